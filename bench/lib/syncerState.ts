// The syncer benchmark's restore rate of the state changelog beside a bare consumer of the same topic
// (the state's memory and read cost, which need no broker, are in stateMemory.ts).
import { performance } from 'node:perf_hooks';
import { createIdempotentProducer, createKafka, ensureTopics, topicName } from '../../shared/src/kafka/index';
import type { Logger } from '../../shared/src/logger';
import type { EventCodec } from '../../shared/src/registry';
import { StateTable } from '../../services/syncer/src/kafka/tables';
import { TableReader } from '../../services/syncer/src/kafka/tableReader';
import { toRecord } from '../../services/syncer/src/decide/state';
import { sampleState } from './sampleState';

export async function waitUntil(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export async function restoreRates(
  ep: { KAFKA_BROKERS: string },
  codec: EventCodec,
  count: number,
  logger: Logger,
): Promise<{ restore: number; bare: number }> {
  const kafka = createKafka({ brokers: ep.KAFKA_BROKERS.split(','), clientId: 'bench-restore', logger });
  const prefix = `restore${Date.now().toString(36)}.`;
  await ensureTopics(kafka, prefix, ['entityState']);
  const topic = topicName('entityState', prefix);
  const producer = createIdempotentProducer(kafka);
  await producer.connect();
  for (let i = 0; i < count; i += 2000) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(2000, count - i) }, async (_, k) => {
        const s = sampleState(i + k);
        return { key: s.canonicalKey, value: await codec.encode('EntityState', toRecord(s)) };
      }),
    );
    await producer.send({ topic, messages: batch, acks: -1 });
  }
  const states = new StateTable(codec);
  const reader = new TableReader(
    kafka,
    producer,
    [topic],
    (_t, m) => states.apply(m),
    logger,
    `${prefix}bench`,
  );
  let t0 = performance.now();
  await reader.start();
  await reader.caughtUp(5 * 60_000);
  const restore = states.size / ((performance.now() - t0) / 1000);
  await reader.stop();

  let seen = 0;
  const bare = kafka.consumer({ groupId: `${prefix}bare`, maxWaitTimeInMs: 100 });
  t0 = performance.now();
  await bare.connect();
  await bare.subscribe({ topic, fromBeginning: true });
  await bare.run({
    eachBatch: ({ batch }) => {
      seen += batch.messages.length;
      return Promise.resolve();
    },
  });
  await waitUntil(() => seen >= count, 5 * 60_000, 'bare read');
  const bareRate = count / ((performance.now() - t0) / 1000);
  await bare.disconnect();
  await producer.disconnect();
  return { restore, bare: bareRate };
}
