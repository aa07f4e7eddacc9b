import { currentGuard } from '@siaghsync/shared/http/callGuard';
import type { PauseFlag } from '@siaghsync/shared/operator/pause';
import { PauseTable } from './kafka/pauses';
import { MappingGuard } from './kafka/mappingGuard';
import { MAPPING_KEY_PREFIX, mappingReading } from '@siaghsync/shared/mapping/reading';
import type { EntityState } from './decide/state';
import type { Backlog } from './backlog';
import type { SystemsBody } from '@siaghsync/shared/syncerReady';
import { closingOnFailure, startAll } from '@siaghsync/shared/startup';
import { transient } from '@siaghsync/shared/errors';
import { CrmClient } from '@siaghsync/shared/crm/client';
import { loadCrmConfig } from '@siaghsync/shared/crm/config';
import {
  createKafka,
  ensureTopics,
  kafkaConnection,
  registryAuthOf,
  replicationOf,
  createIdempotentProducer,
  topicName,
  type Producer,
} from '@siaghsync/shared/kafka/index';
import { KeptAdmin } from '@siaghsync/shared/kafka/keptAdmin';
import { GroupCommit } from '@siaghsync/shared/kafka/groupCommit';
import type { KafkaMessage, Message } from '@siaghsync/shared/kafka/client';
import type { Logger } from '@siaghsync/shared/logger';
import { loadSyncConfig, type SyncConfig } from '@siaghsync/shared/mapping/syncConfig';
import { EventCodec } from '@siaghsync/shared/registry';
import { SiaghClient } from '@siaghsync/shared/siagh/client';
import { loadSiaghConfig } from '@siaghsync/shared/siagh/config';
import type { SyncerConfig } from './config';
import type { Systems } from './fetch';
import { TableReader } from './kafka/tableReader';
import { RouteTables, StateTable } from './kafka/tables';
import { createMetrics, type SyncerMetrics } from './metrics';
import { encodeOutputs } from './outputs';
import { Processor } from './processor';
import { Router } from './route/router';
import { PreInvoiceWaker, retryMarker } from './preinvoice/wake';
import { BulkReads } from './reads/bulkReads';

export interface Syncer {
  metrics: SyncerMetrics;
  states: StateTable;
  tables: RouteTables;
  ready(): Promise<boolean>;
  /** How far behind this instance's partitions are (backlog.ts). */
  backlog(): Backlog;
  /** The CRM and Siagh as this instance's calls found them (no call is made for it). */
  systems(): SystemsBody;
  /** The operator's pauses in force (shared/src/operator/pause.ts). */
  pauses(): PauseFlag[];
  stop(): Promise<void>;
}

/** Builds and starts the router and the processor; `main.ts` only adds config, HTTP and signals. */
export async function startSyncer(
  cfg: SyncerConfig,
  logger: Logger,
  env: NodeJS.ProcessEnv = process.env,
  opts: { systems?: Systems; syncConfig?: SyncConfig; metrics?: SyncerMetrics } = {},
): Promise<Syncer> {
  const prefix = cfg.TOPIC_PREFIX;
  const syncConfig = opts.syncConfig ?? loadSyncConfig(cfg.SYNC_CONFIG_PATH, env);
  const systems: Systems = opts.systems ?? {
    crm: new CrmClient(loadCrmConfig(env), { logger }),
    siagh: new SiaghClient(loadSiaghConfig(env), { logger }),
  };
  const metrics = opts.metrics ?? createMetrics();
  const kafka = createKafka({
    ...kafkaConnection(cfg),
    clientId: cfg.KAFKA_CLIENT_ID ?? `syncer-${cfg.SYNCER_INSTANCE_ID}`,
    logger,
  });
  // Each client opened is registered: a failed start closes them, so a retried start leaks none.
  return closingOnFailure(async (opened) => {
    if (!opts.systems) opened(() => Promise.all([systems.crm.close(), systems.siagh.close()]));
    await ensureTopics(kafka, prefix, undefined, replicationOf(cfg));
    const codec = new EventCodec(cfg.SCHEMA_REGISTRY_URL, registryAuthOf(cfg));
    await codec.registerAll();

    const producer: Producer = createIdempotentProducer(kafka);
    opened(() => producer.disconnect());
    await producer.connect();
    const states = new StateTable(codec);
    const tables = new RouteTables(codec);
    const customers = { linkOf: (k: string) => tables.linkOf(k), stateOf: (k: string) => states.get(k) };
    // Quotes waiting for their customer's link are woken when the link is committed (preinvoice/wake.ts).
    const waker = new PreInvoiceWaker({
      ...customers,
      wake: (canonicalKey, correlationId) =>
        void codec
          .encode('WorkEvent', retryMarker(canonicalKey, correlationId, Date.now()))
          .then((value) =>
            producer.send({
              topic: topicName('work', prefix),
              messages: [{ key: canonicalKey, value }],
              acks: -1,
            }),
          )
          .catch((err: unknown) =>
            logger.error({ err, canonicalKey }, 'could not wake a waiting pre-invoice'),
          ),
    });
    states.onCommitted = (s) => waker.observe(s);
    const stateReader = new TableReader(
      kafka,
      producer,
      [topicName('entityState', prefix)],
      (_t, m) => states.apply(m),
      logger,
      `${prefix}syncer-${cfg.SYNCER_INSTANCE_ID}`,
      { onSkipped: (topic) => metrics.tableSkipped.inc({ topic }) },
    );
    const linksTopic = topicName('links', prefix);
    const controlTopic = topicName('control', prefix);
    const pauses = new PauseTable(cfg.OPERATOR_EVENT_KEY, logger);
    const mapping = new MappingGuard(mappingReading(syncConfig), cfg.OPERATOR_EVENT_KEY, logger);
    // One topic, two tables: the mapping notices by their key, the pause flags all the rest.
    const control = (m: KafkaMessage) =>
      m.key?.toString().startsWith(MAPPING_KEY_PREFIX) ? mapping.apply(m) : pauses.apply(m);
    /** The pauses in force: the mapping check's, then the operator's. */
    const activePauses = () => [...[mapping.pause()].filter((p) => p !== undefined), ...pauses.active()];
    const routeReader = new TableReader(
      kafka,
      producer,
      [linksTopic, topicName('intents', prefix), controlTopic],
      async (t, m) =>
        t === controlTopic ? control(m) : t === linksTopic ? tables.applyLink(m) : tables.applyIntent(m),
      logger,
      `${prefix}router-${cfg.SYNCER_INSTANCE_ID}`,
      { onSkipped: (topic) => metrics.tableSkipped.inc({ topic }) },
    );
    opened(() => Promise.all([stateReader.stop(), routeReader.stop()]));
    await startAll([stateReader.start(), routeReader.start()]);
    // The poller's latest notice is in `control`: read up to it (control alone: a record the registry
    // holds on links or intents must not hold the start) before judging, for 10 s at most whatever the
    // broker does. Not caught up by then, the start goes on: a differing notice read later holds the writes.
    const inTime = await routeReader.caughtUp(10_000, [controlTopic]).then(
      () => true,
      () => false,
    );
    if (!inTime)
      logger.warn('control not read to its end at start-up; the mapping check goes on as it is read');
    await mapping.awaitAgreement(cfg.SYNCER_MAPPING_WAIT_MS);

    const intentsTopic = topicName('intents', prefix);
    const intentCommits = new GroupCommit<Message>({
      maxBatch: 500,
      send: async (messages) => {
        await producer.send({ topic: intentsTopic, messages, acks: -1 });
      },
    });
    const reads =
      cfg.SYNCER_LIST_READS === 'on'
        ? new BulkReads({
            crm: systems.crm,
            siagh: systems.siagh,
            now: () => Date.now(),
            minIntervalMs: cfg.SYNCER_LIST_READ_MIN_INTERVAL_MS,
            maxAgeMs: cfg.SYNCER_LIST_READ_MAX_AGE_MS,
            budget: cfg.SYNCER_LIST_READ_BUDGET,
            crmPageSize: cfg.SYNCER_CRM_LIST_PAGE_SIZE,
            keepRecords: cfg.SYNCER_RECORDS_KEPT,
            onListCall: (side) => metrics.apiReads.inc({ side, kind: 'list' }),
          })
        : undefined;
    const processor = new Processor({
      kafka,
      codec,
      prefix,
      groupId: `${prefix}${cfg.SYNCER_GROUP_ID}`,
      instanceId: cfg.SYNCER_INSTANCE_ID,
      states,
      stateReader,
      intentReader: routeReader,
      tables,
      producer,
      logger,
      metrics,
      maxInFlight: cfg.SYNCER_MAX_IN_FLIGHT,
      parkRetryMs: cfg.SYNCER_PARK_RETRY_MS,
      sessionTimeoutMs: cfg.SYNCER_SESSION_TIMEOUT_MS,
      commitEvery: cfg.SYNCER_COMMIT_EVERY,
      bulkCommitEvery: cfg.SYNCER_BULK_COMMIT_EVERY,
      stallMs: cfg.SYNCER_STALL_AFTER_MS,
      handler: {
        systems,
        paused: (state, side) => mapping.pause() ?? pauses.pauseOf(customerKeysOf(state, customers), side),
        config: syncConfig,
        logger,
        now: () => Date.now(),
        counterpartWaitMs: cfg.SYNCER_COUNTERPART_WAIT_MS,
        ...(cfg.OPERATOR_EVENT_KEY ? { operatorEventKey: cfg.OPERATOR_EVENT_KEY } : {}),
        customers,
        ...(reads && { reads }),
        countRead: (side) => metrics.apiReads.inc({ side, kind: 'single' }),
        retry: {
          maxAttempts: cfg.SYNCER_MAX_ATTEMPTS,
          baseMs: cfg.SYNCER_RETRY_BASE_MS,
          maxMs: cfg.SYNCER_RETRY_MAX_MS,
        },
        // The intent is durable (acks=all) before the external write it announces. Intents of
        // entities handled concurrently share one produce (group commit) instead of queueing one by one.
        announce: async (intents) => {
          // An intent announces a write this member is about to make: one that lost its partition must not.
          await currentGuard()?.();
          const encoded = await encodeOutputs(codec, prefix, [{ links: [], intents, conflicts: [] }]);
          try {
            await Promise.all(encoded.flatMap((t) => t.messages.map((m) => intentCommits.submit(m).done)));
          } catch (err) {
            // Kafka unavailable is never the entity's fault: retried and parked, never dead-lettered,
            // although kafkajs reports its exhausted retries as non-retriable.
            throw transient('KAFKA_UNAVAILABLE', `intent not stored: ${(err as Error).message}`, {
              cause: err,
            });
          }
          for (const i of intents) tables.rememberIntent(i);
        },
        announced: (canonicalKey) => tables.announcedWrites(canonicalKey),
      },
    });
    const router = new Router({
      kafka,
      codec,
      prefix,
      groupId: `${prefix}${cfg.SYNCER_ROUTER_GROUP_ID}`,
      instanceId: cfg.SYNCER_INSTANCE_ID,
      tables,
      tableReader: routeReader,
      systems,
      config: syncConfig,
      logger,
      metrics,
      now: () => Date.now(),
      snapshotKey: cfg.OPERATOR_EVENT_KEY,
      partitionsConcurrency: cfg.SYNCER_PARTITIONS_CONCURRENCY,
      sessionTimeoutMs: cfg.SYNCER_SESSION_TIMEOUT_MS,
    });
    pauses.onLifted = () => processor.wakeParked();
    mapping.onAgreed = () => processor.wakeParked();
    pauses.onForged = (scope, original) =>
      void producer
        .send({
          topic: controlTopic,
          messages: [{ key: scope, value: original.value, headers: original.headers ?? {} }],
          acks: -1,
        })
        .then(() =>
          logger.warn({ scope }, 'forged control record: the signed pause flag written again after it'),
        )
        .catch((err: unknown) => logger.error({ err, scope }, 'could not write the pause flag again'));
    metrics.watchPauses(() => activePauses().length);
    opened(() => Promise.all([processor.stop(), router.stop()]));
    metrics.watchBacklog(() => processor.backlog());
    await startAll([processor.start(), router.start()]);
    logger.info({ prefix, instance: cfg.SYNCER_INSTANCE_ID }, 'syncer started');

    // Readiness asks about the work topic through one kept connection (keptAdmin.ts).
    const probe = new KeptAdmin(kafka);
    const workTopic = topicName('work', prefix);
    return {
      metrics,
      states,
      tables,
      backlog: () => processor.backlog(),
      pauses: activePauses,
      systems: () => ({
        crm: systems.crm.http.health.snapshot(),
        siagh: systems.siagh.http.health.snapshot(),
      }),
      async ready() {
        try {
          await probe.use((admin) => admin.fetchTopicMetadata({ topics: [workTopic] }));
          return true;
        } catch {
          return false;
        }
      },
      async stop() {
        await probe.close();
        await Promise.all([processor.stop(), router.stop()]);
        await Promise.all([stateReader.stop(), routeReader.stop()]);
        await producer.disconnect();
        if (!opts.systems) await Promise.all([systems.crm.close(), systems.siagh.close()]);
      },
    };
  });
}

/**
 * The customers an entity's writes belong to, for a customer pause: its own key and its number's (a
 * customer first keyed by a source id is `customer:<n>` by number too), or a quote's customer.
 */
function customerKeysOf(
  state: EntityState,
  customers: { linkOf: (k: string) => string | undefined; stateOf: (k: string) => EntityState | undefined },
): string[] {
  const keysOf = (s: EntityState) => [
    s.canonicalKey,
    ...(s.naturalKey !== null ? [`customer:${s.naturalKey}`] : []),
  ];
  if (state.entityType !== 'preinvoice') return keysOf(state);
  const crmId = state.preInvoice?.customerCrmId;
  const customerKey = crmId ? customers.linkOf(`crm:${crmId}`) : undefined;
  const customer = customerKey === undefined ? undefined : customers.stateOf(customerKey);
  return [
    state.canonicalKey,
    ...(customer ? keysOf(customer) : customerKey !== undefined ? [customerKey] : []),
  ];
}
