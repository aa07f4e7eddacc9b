// The syncer benchmark's state figures: memory per linked entity held in the state table, and the
// restore rate of the state changelog beside a bare consumer of the same topic.
import { performance } from 'node:perf_hooks';
import { createIdempotentProducer, createKafka, ensureTopics, topicName } from '../../shared/src/kafka/index';
import type { Logger } from '../../shared/src/logger';
import type { EventCodec } from '../../shared/src/registry';
import { deterministicEventId } from '../../shared/src/events';
import { StateTable } from '../../services/syncer/src/kafka/tables';
import { TableReader } from '../../services/syncer/src/kafka/tableReader';
import { initialState, toRecord, type EntityState } from '../../services/syncer/src/decide/state';

export async function waitUntil(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function sampleState(k: number): EntityState {
  const s = initialState(`customer:${100000 + k}`);
  const base = {
    customerNumber: 100000 + k,
    kind: 'person' as const,
    name: `مشتری شماره ${k}`,
    firstName: 'مشتری',
    lastName: `شماره ${k}`,
    nationalCode: String(1000000000 + k),
    economicCode: '',
    registerNumber: '',
    mobile: `0912${String(k).padStart(7, '0')}`,
    phone: '',
    email: `c${k}@example.com`,
    address: 'تهران، خیابان انقلاب، پلاک ۱۲',
    postalCode: '1234567890',
    city: 'تهران',
    description: '',
    active: true,
  };
  const h = deterministicEventId('h', k) + deterministicEventId('h2', k);
  return {
    ...s,
    version: 3,
    generation: 1,
    kind: 'person',
    crm: {
      id: `5f0c2b8e-7d1a-4c55-9a0e-${String(k).padStart(12, '0')}`,
      written: h,
      seen: h,
      deleted: false,
    },
    siagh: { id: String(1000 + k), written: h, seen: h, deleted: false },
    base,
  };
}

export async function memoryPerEntity(
  codec: EventCodec,
  count: number,
): Promise<{ bytesPerEntity: number; avroBytes: number }> {
  global.gc?.();
  const before = process.memoryUsage().heapUsed;
  const table = new StateTable(codec);
  for (let k = 0; k < count; k++) table.offer(sampleState(k));
  global.gc?.();
  const after = process.memoryUsage().heapUsed;
  const avroBytes = (await codec.encode('EntityState', toRecord(sampleState(1)))).length;
  if (table.size !== count) throw new Error('table lost entries');
  return { bytesPerEntity: (after - before) / count, avroBytes };
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
