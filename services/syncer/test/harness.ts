import { CrmClient } from '@siaghsync/shared/crm/client';
import { simulatorEnv } from '../../../test/harness/systems';
import { SiaghClient } from '@siaghsync/shared/siagh/client';
import {
  createKafka,
  createIdempotentProducer,
  ensureTopics,
  topicName,
  type Consumer,
  type Producer,
  type TopicKey,
} from '@siaghsync/shared/kafka/index';
import type { SchemaName } from '@siaghsync/schemas';
import { createLogger } from '@siaghsync/shared/logger';
import { EventCodec } from '@siaghsync/shared/registry';
import {
  deterministicEventId,
  newChangeEvent,
  sourceKey,
  type ChangeEvent,
  type Conflict,
  type DeadLetter,
  type SyncOutcome,
} from '@siaghsync/shared/events';
import { startCrmSimulator, type CrmSimulator } from '../../../simulators/crm/server';
import { startSiaghSimulator, type SiaghSimulator } from '../../../simulators/siagh/server';
import { requireEnv, uniqueName } from '../../../test/harness/names';
import { loadSyncerConfig } from '../src/config';
import { startSyncer, type Syncer } from '../src/service';
import { signSnapshot } from '@siaghsync/shared/operator/snapshotSignature';
import {
  needsOperatorSignature,
  OPERATOR_SIGNATURE_HEADER,
  signOperatorEvent,
} from '@siaghsync/shared/operator/signature';
import type { WorkEvent } from '@siaghsync/shared/events';
import {
  encodePauseFlag,
  PAUSE_SIGNATURE_HEADER,
  signPauseFlag,
  type PauseFlag,
} from '@siaghsync/shared/operator/pause';

/** The OPERATOR_EVENT_KEY of every test syncer; `produce` signs operator events with it, as the projector does. */
export const TEST_OPERATOR_EVENT_KEY = 'test-operator-event-key-0123456789abcdef';

// A syncer on the real broker and registry, talking to both simulators over HTTP. Changes are
// produced straight to the `changes` topic (what ingest and the poller would do).

export interface World {
  crmSim: CrmSimulator;
  siaghSim: SiaghSimulator;
  crm: CrmClient;
  siagh: SiaghClient;
  syncer: Syncer;
  codec: EventCodec;
  prefix: string;
  emit(source: 'crm' | 'siagh', id: string, extra?: Partial<ChangeEvent>): Promise<void>;
  /**
   * Produces a record straight to one of the pipeline's topics (what another service would do). An
   * operator WorkEvent is signed as the projector signs it, unless `headers` are given (then sent as is).
   */
  produce(
    topic: TopicKey,
    key: string,
    schema: SchemaName,
    value: unknown,
    headers?: Record<string, string>,
  ): Promise<void>;
  conflicts: Conflict[];
  outcomes: SyncOutcome[];
  deadLetters: DeadLetter[];
  waitFor<T>(what: string, check: () => T | undefined | false, timeoutMs?: number): Promise<T>;
  startSyncer(instance?: string): Promise<Syncer>;
  /** Produces a pause flag to `control` as the projector does (signed), or unsigned when told so. */
  pause(scope: string, paused: boolean, opts?: { unsigned?: boolean; reason?: string }): Promise<void>;
  close(): Promise<void>;
}

export interface WorldOptions {
  crm?: Parameters<typeof startCrmSimulator>[0];
  siagh?: Parameters<typeof startSiaghSimulator>[0];
  env?: Record<string, string>;
  /** False: no syncer until the test calls startSyncer() (it prepares what a crashed run left first). */
  start?: boolean;
}

export async function createWorld(label: string, opts: WorldOptions = {}): Promise<World> {
  const logger = createLogger({ service: `test-${label}`, level: 'warn' });
  const crmSim = await startCrmSimulator({ webhooks: { enabled: false }, ...opts.crm });
  const siaghSim = await startSiaghSimulator({ ...opts.siagh });
  const prefix = `${uniqueName(label)}.`;
  const env = {
    ...process.env,
    KAFKA_BROKERS: requireEnv('KAFKA_BROKERS'),
    SCHEMA_REGISTRY_URL: requireEnv('SCHEMA_REGISTRY_URL'),
    TOPIC_PREFIX: prefix,
    ...simulatorEnv(crmSim, siaghSim),
    SYNCER_RETRY_BASE_MS: '50',
    SYNCER_PARK_RETRY_MS: '1000',
    OPERATOR_EVENT_KEY: TEST_OPERATOR_EVENT_KEY,
    LOG_LEVEL: 'warn',
    ...opts.env,
  };
  const crm = new CrmClient({
    baseUrl: crmSim.url,
    username: 'admin',
    password: 'admin',
    rateLimitPerSecond: 1000,
    timeoutMs: 10_000,
  });
  const siagh = new SiaghClient({
    baseUrl: siaghSim.url,
    username: 'admin',
    password: 'admin',
    rateLimitPerSecond: 1000,
    timeoutMs: 10_000,
  });

  const kafka = createKafka({ brokers: env.KAFKA_BROKERS.split(','), clientId: 'syncer-test', logger });
  await ensureTopics(kafka, prefix);
  const codec = new EventCodec(env.SCHEMA_REGISTRY_URL);
  await codec.registerAll();
  const producer: Producer = createIdempotentProducer(kafka);
  await producer.connect();

  const outcomes: SyncOutcome[] = [];
  const deadLetters: DeadLetter[] = [];
  const conflicts: Conflict[] = [];
  const reader: Consumer = kafka.consumer({ groupId: uniqueName('reader'), maxWaitTimeInMs: 100 });
  await reader.connect();
  await reader.subscribe({
    topics: [topicName('outcomes', prefix), topicName('deadLetters', prefix), topicName('conflicts', prefix)],
    fromBeginning: true,
  });
  await reader.run({
    eachMessage: async ({ topic, message }) => {
      if (!message.value) return;
      if (topic.endsWith('dead-letters')) deadLetters.push(await codec.decode<DeadLetter>(message.value));
      else if (topic.endsWith('conflicts')) conflicts.push(await codec.decode<Conflict>(message.value));
      else outcomes.push(await codec.decode<SyncOutcome>(message.value));
    },
  });

  const syncers: Syncer[] = [];
  const start = async (instance = 'a') => {
    const cfg = loadSyncerConfig({ ...env, SYNCER_INSTANCE_ID: instance });
    const s = await startSyncer(cfg, logger, env);
    syncers.push(s);
    return s;
  };
  if (opts.start !== false) await start();
  let seq = 0;
  return {
    crmSim,
    siaghSim,
    crm,
    siagh,
    get syncer(): Syncer {
      if (!syncers[0]) throw new Error('no syncer started yet');
      return syncers[0];
    },
    codec,
    prefix,
    outcomes,
    deadLetters,
    conflicts,
    startSyncer: start,
    async produce(topic, key, schema, value, headers) {
      const operator = schema === 'WorkEvent' && needsOperatorSignature(value as WorkEvent);
      const signed = operator
        ? { [OPERATOR_SIGNATURE_HEADER]: signOperatorEvent(value as WorkEvent, TEST_OPERATOR_EVENT_KEY) }
        : undefined;
      const sent = headers ?? signed;
      await producer.send({
        topic: topicName(topic, prefix),
        messages: [{ key, value: await codec.encode(schema, value), ...(sent ? { headers: sent } : {}) }],
        acks: -1,
      });
    },
    async pause(scope, paused, opts = {}) {
      const flag = { scope, paused, reason: opts.reason ?? null, by: 'test', at: Date.now() } as PauseFlag;
      await producer.send({
        topic: topicName('control', prefix),
        messages: [
          {
            key: scope,
            value: encodePauseFlag(flag),
            ...(opts.unsigned
              ? {}
              : { headers: { [PAUSE_SIGNATURE_HEADER]: signPauseFlag(flag, TEST_OPERATOR_EVENT_KEY) } }),
          },
        ],
        acks: -1,
      });
    },
    async emit(source, id, extra = {}) {
      seq++;
      // Signed as the poller signs an import's snapshots (an unsigned one: produce() it as is).
      const change = signSnapshot(
        newChangeEvent({
          eventId: deterministicEventId(source, id, seq),
          source,
          entityType: 'customer',
          sourceId: id,
          operation: 'upsert',
          observedTime: Date.now(),
          trigger: source === 'crm' ? 'webhook' : 'poll',
          correlationId: `corr-${label}-${seq}`,
          ...extra,
        }),
        TEST_OPERATOR_EVENT_KEY,
      );
      await producer.send({
        topic: topicName('changes', prefix),
        messages: [{ key: sourceKey(source, id), value: await codec.encode('ChangeEvent', change) }],
        acks: -1,
      });
    },
    async waitFor(what, check, timeoutMs = 45_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const v = check();
        if (v !== undefined && v !== false) return v;
        if (Date.now() > deadline)
          throw new Error(
            `timed out waiting for ${what}; outcomes: ${JSON.stringify(outcomes.map((o) => [o.canonicalKey, o.status, o.error?.code]))}`,
          );
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async close() {
      await Promise.all(syncers.map((s) => s.stop().catch(() => undefined)));
      await reader.disconnect();
      await producer.disconnect();
      await crm.close();
      await siagh.close();
      await crmSim.close();
      await siaghSim.close();
    },
  };
}
