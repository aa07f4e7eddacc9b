// Integration-test helpers (not a test file): unique topics on the real broker, a read_committed
// collector of the changes topic decoded through the registry, and pollers driven sweep by sweep.

import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { pino } from 'pino';
import { requireEnv, uniqueName } from '../../../test/harness/names';
import { EventCodec } from '@siaghsync/shared/registry';
import { ensureTopics } from '@siaghsync/shared/kafka/admin';
import { topicName } from '@siaghsync/shared/kafka/topics';
import { loadSyncConfig } from '@siaghsync/shared/mapping/syncConfig';
import type { ChangeEvent, SourceSystem } from '@siaghsync/shared/events';
import type { CrmClient } from '@siaghsync/shared/crm/client';
import type { SiaghClient } from '@siaghsync/shared/siagh/client';
import { createMetrics } from './metrics';
import { Poller } from './poller';
import type { PollerSettings } from './config';

export const silent = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function eventually(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 30_000,
  what = 'condition',
): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`${what} not met within ${timeoutMs} ms`);
    await sleep(50);
  }
}

export interface Env {
  kafka: Kafka;
  codec: EventCodec;
  prefix: string;
  events: ChangeEvent[];
  close(): Promise<void>;
}

export async function setupEnv(label: string): Promise<Env> {
  const kafka = new Kafka({
    clientId: 'poller-test',
    brokers: requireEnv('KAFKA_BROKERS').split(','),
    logLevel: logLevel.NOTHING,
  });
  const prefix = `${uniqueName(label)}.`;
  await ensureTopics(kafka, prefix, ['changes', 'pollerState']);
  const codec = new EventCodec(requireEnv('SCHEMA_REGISTRY_URL'));
  await codec.registerAll(['ChangeEvent']);
  const events: ChangeEvent[] = [];
  const consumer: Consumer = kafka.consumer({
    groupId: uniqueName('collector'),
    readUncommitted: false,
    maxWaitTimeInMs: 200,
  });
  await consumer.connect();
  await consumer.subscribe({ topic: topicName('changes', prefix), fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) =>
      void events.push(await codec.decode<ChangeEvent>(message.value as Buffer)),
  });
  return { kafka, codec, prefix, events, close: () => consumer.disconnect() };
}

export function testSettings(sources: SourceSystem[], over: Partial<PollerSettings> = {}): PollerSettings {
  // Intervals of an hour: tests drive every sweep explicitly with poke(), so nothing races them.
  return {
    sources,
    siagh: { fixedMs: 3_600_000, budget: 0.05, minMs: 2_000, maxMs: 300_000 },
    crm: { intervalMs: 3_600_000, reconcileSweeps: 1, reconcileMax: Infinity, concurrency: 4, pageSize: 7 },
    jitter: 0,
    backoffMaxMs: 3_600_000,
    minRatio: 0.5,
    chunkSize: 5,
    leaderSessionMs: 6000,
    ...over,
  };
}

export function makePoller(
  env: Env,
  settings: PollerSettings,
  clients: { crm?: CrmClient; siagh?: SiaghClient },
): Poller {
  return new Poller({
    kafka: env.kafka,
    codec: env.codec,
    prefix: env.prefix,
    settings,
    syncConfig: loadSyncConfig(),
    crm: clients.crm,
    siagh: clients.siagh,
    logger: silent,
    metrics: createMetrics(false),
  });
}

/** Waits for the source to be led by `poller` and its first sweep to have run. */
export async function whenActive(poller: Poller, source: SourceSystem, timeoutMs = 30_000): Promise<void> {
  const h = poller.handle(source);
  if (!h) throw new Error(`no ${source} handle`);
  await eventually(() => h.election.isLeader && h.runner.sweeps > 0, timeoutMs, `${source} active`);
}

/** Runs one sweep now and waits for it to finish. */
export async function sweep(poller: Poller, source: SourceSystem): Promise<void> {
  const h = poller.handle(source);
  if (!h) throw new Error(`no ${source} handle`);
  const before = h.runner.sweeps;
  h.runner.poke();
  await eventually(() => h.runner.sweeps > before, 30_000, `${source} sweep`);
}

/** Events seen so far after waiting a little for any straggler (read_committed delivery). */
export async function settle(env: Env, ms = 1200): Promise<ChangeEvent[]> {
  await sleep(ms);
  return [...env.events];
}
