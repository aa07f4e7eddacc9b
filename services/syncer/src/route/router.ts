import type { Batch, Consumer, Kafka, Message } from '@siaghsync/shared/kafka/client';
import { classify } from '@siaghsync/shared/errors';
import { registryRetry } from '@siaghsync/shared/kafka/decodeHold';
import { quarantineMessage } from '@siaghsync/shared/kafka/quarantine';
import { nextOffsets } from '@siaghsync/shared/kafka/transactional';
import { restartWhenGivenUp } from '@siaghsync/shared/kafka/supervise';
import { groupTimings, keepBeating } from '../kafka/membership';
import { TransactionalSender } from '@siaghsync/shared/kafka/transactionalSender';
import { bulkTopicOf, topicName, type TopicKey } from '@siaghsync/shared/kafka/topics';
import type { Logger } from '@siaghsync/shared/logger';
import { crmToCanonical } from '@siaghsync/shared/mapping/crm';
import { sideChecksum } from '@siaghsync/shared/mapping/sides';
import type { SyncConfig } from '@siaghsync/shared/mapping/syncConfig';
import type { EventCodec } from '@siaghsync/shared/registry';
import { sourceKey, type ChangeEvent, type WorkEvent } from '@siaghsync/shared/events';
import { signSnapshot } from '@siaghsync/shared/operator/snapshotSignature';
import { crmKindHint, type Systems } from '../fetch';
import type { TableReader } from '../kafka/tableReader';
import type { RouteTables } from '../kafka/tables';
import type { SyncerMetrics } from '../metrics';
import { runKeyed } from '../concurrency';
import { queueOf, routeChange } from './route';
import { isBulkChange } from '../reads/freshness';
import { asLiveWork } from '@siaghsync/shared/http/callLimiter';

export interface RouterDeps {
  kafka: Kafka;
  codec: EventCodec;
  prefix: string;
  groupId: string;
  instanceId: string;
  tables: RouteTables;
  tableReader: TableReader;
  systems: Systems;
  config: SyncConfig;
  logger: Logger;
  metrics: SyncerMetrics;
  now: () => number;
  /** OPERATOR_EVENT_KEY: the router signs the read it carries on as a bulk change's snapshot. */
  snapshotKey?: string | undefined;
  /** Partitions of `changes` routed at once; their transactions share commits (TransactionalSender). */
  partitionsConcurrency: number;
  /** Group session: a syncer killed -9 holds its partitions this long before the group moves on. */
  sessionTimeoutMs: number;
}

/**
 * Repartitions raw changes (keyed by source id) onto `work` (keyed by canonical key), in one
 * transaction with the consumed offsets, so a change is routed exactly once.
 */
export class Router {
  private consumer: Consumer | undefined;
  private tx: TransactionalSender | undefined;
  private stopping = false;
  private readonly stopSignal = new AbortController();
  /** A change the registry cannot decode now is retried in place: routing goes in offset order. */
  private readonly decodeRetry = registryRetry();

  constructor(private readonly d: RouterDeps) {
    this.decodeRetry.onRetry((r) =>
      d.logger.warn(
        { err: 'error' in r ? classify(r.error).toJSON() : undefined, delayMs: Math.round(r.delay) },
        'change not decodable now (schema registry); retrying',
      ),
    );
  }

  async start(): Promise<void> {
    const d = this.d;
    this.tx = new TransactionalSender(d.kafka, `${d.prefix}router-${d.instanceId}`, d.logger);
    await this.tx.connect();
    await this.startConsumer();
  }

  private async startConsumer(): Promise<void> {
    const d = this.d;
    const consumer = d.kafka.consumer({
      groupId: d.groupId,
      ...groupTimings(d.sessionTimeoutMs),
      maxWaitTimeInMs: 100,
    });
    this.consumer = consumer;
    restartWhenGivenUp(consumer, {
      logger: d.logger,
      name: 'router',
      stopped: () => this.stopping,
      restart: () => this.startConsumer(),
    });
    await consumer.connect();
    await consumer.subscribe({ topic: topicName('changes', d.prefix), fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      partitionsConsumedConcurrently: d.partitionsConcurrency,
      eachBatch: async ({ batch, heartbeat }) => {
        if (batch.messages.length === 0) return;
        // CRM reads and the table catch-up can outlast a short session: keep the membership alive.
        const stopBeating = keepBeating(heartbeat, d.sessionTimeoutMs);
        try {
          await this.route(batch, heartbeat);
        } finally {
          stopBeating();
        }
      },
    });
  }

  /** One batch of `changes` onto `work`, committed with its offsets in one transaction. */
  private async route(batch: Batch, heartbeat: () => Promise<void>): Promise<void> {
    const d = this.d;
    const out = new Map<TopicKey, Message[]>();
    const quarantined: Message[] = [];
    let caughtUp = false;
    let catchingUp: Promise<void> | undefined;
    const catchUp = () => (catchingUp ??= d.tableReader.caughtUp());
    // Decoding and enrichment (a CRM read for thin webhooks) run concurrently; routing then goes
    // in offset order, so events of one record keep their order on `work`.
    const changes = await runKeyed(
      batch.messages,
      (m) => m.offset,
      16,
      async (m): Promise<ChangeEvent | undefined> => {
        if (!m.value) return undefined;
        let change: ChangeEvent;
        try {
          const value = m.value;
          change = await this.decodeRetry.execute(
            () => d.codec.decode<ChangeEvent>(value),
            this.stopSignal.signal,
          );
        } catch (err) {
          const reason = classify(err);
          // Stopping during a registry outage: the batch is not committed and is read again.
          if (reason.kind !== 'permanent') throw reason;
          // Kept, with the offset, in this batch's transaction (below); the partition goes on.
          const source = { topic: batch.topic, partition: batch.partition, consumer: d.groupId };
          quarantined.push(quarantineMessage(source, m, reason, d.now()));
          d.logger.error(
            { reason: reason.toJSON(), partition: batch.partition, offset: m.offset },
            'undecodable change quarantined',
          );
          return undefined;
        }
        // A failed read of the CRM fails the batch, which is then retried: never routed blind.
        return isBulkChange(change)
          ? this.enrich(change, catchUp)
          : asLiveWork(() => this.enrich(change, catchUp));
      },
    );
    await heartbeat();
    for (const change of changes) {
      if (!change) continue;
      let route = routeChange(change, d.tables);
      if (route.reason === 'new-key' && !caughtUp) {
        // Before minting a key, make sure no link or intent committed meanwhile is still unread.
        await d.tableReader.caughtUp();
        caughtUp = true;
        route = routeChange(change, d.tables);
      }
      d.metrics.routed.inc({ reason: route.reason });
      const queued = queueOf(change, route.canonicalKey, d.tables);
      const work: WorkEvent = {
        canonicalKey: route.canonicalKey,
        kind: 'change',
        routeReason: route.reason,
        routedAt: d.now(),
        correlationId: change.correlationId,
        change: queued.change,
        resolution: null,
        redriveOf: null,
      };
      // The import goes to its own topics, so live changes overtake it (processor.ts).
      const topic = queued.queue === 'bulk' ? bulkTopicOf(change.source) : 'work';
      if (!out.has(topic)) out.set(topic, []);
      out.get(topic)!.push({ key: route.canonicalKey, value: await d.codec.encode('WorkEvent', work) });
    }
    const last = batch.messages[batch.messages.length - 1]!;
    const outputs = [...out].map(([topic, messages]) => ({ topic: topicName(topic, d.prefix), messages }));
    if (quarantined.length > 0)
      outputs.push({ topic: topicName('quarantine', d.prefix), messages: quarantined });
    await this.tx!.commit(
      outputs,
      nextOffsets(d.groupId, [{ topic: batch.topic, partition: batch.partition, offset: last.offset }]),
    );
    if (quarantined.length > 0) d.metrics.quarantined.inc({ topic: batch.topic }, quarantined.length);
  }

  /**
   * A CRM webhook is thin: no customer number, no content. For an id the index does not know yet we
   * read the record, so the natural key and the checksum (for matching an open intent) are known.
   */
  private async enrich(change: ChangeEvent, catchUp: () => Promise<void>): Promise<ChangeEvent> {
    const d = this.d;
    if (change.entityType !== 'customer' || change.source !== 'crm') return change;
    const known = () =>
      d.tables.linkOf(sourceKey('crm', change.sourceId)) !== undefined ||
      d.tables.createdBy('crm', change.sourceId) !== undefined;
    if (change.naturalKey !== null || known()) return change;
    // Our own create's notice: the intent names the new id as soon as the create answers, usually before
    // the notice gets here. Reading it would spend the CRM's rate limit, which the import's creates need
    // (one read per create halved them).
    await catchUp();
    if (known()) return change;
    const readStartedAt = d.now();
    const found = await d.systems.crm.getIdentity(change.sourceId, crmKindHint(change));
    if (!found) return change;
    const record = crmToCanonical(found.record, found.kind, d.config);
    // A read begun after a change was observed is current for it: a bulk change carries this one on as
    // its snapshot, as the poller's do, and the syncer does not read the record again
    // (reads/freshness.ts). A live change is read again just before its decision.
    const carried = isBulkChange(change) && change.snapshot === null && change.operation === 'upsert';
    const enriched: ChangeEvent = {
      ...change,
      // The kind is now known: the syncer's own read asks the right endpoint first.
      attributes: {
        ...change.attributes,
        identityKind: found.kind,
        ...(carried && { kind: found.kind, readStartedAt: String(readStartedAt) }),
      },
      naturalKey: record.customerNumber === null ? null : String(record.customerNumber),
      checksum: change.checksum ?? sideChecksum(record, d.config, 'crm'),
      ...(carried && { snapshot: JSON.stringify(found.record) }),
    };
    // Our own read, so signed as the poller signs its snapshots: the syncer takes it for the record.
    return carried ? signSnapshot(enriched, d.snapshotKey) : enriched;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.stopSignal.abort();
    await this.consumer?.disconnect();
    await this.tx?.disconnect();
  }
}
