import { performance } from 'node:perf_hooks';
import { Kafka, logLevel } from 'kafkajs';
import { commitTransaction, createTransactionalProducer, nextOffsets } from '../../shared/src/kafka/index';
import { waitUntil } from './syncerState';

/** The baseline: kafkajs alone, consume -> transform -> produce + sendOffsets in one transaction per batch. */
export async function bareLoop(ep: { KAFKA_BROKERS: string }, N: number): Promise<number> {
  const kafka = new Kafka({
    brokers: ep.KAFKA_BROKERS.split(','),
    clientId: 'bench-bare',
    logLevel: logLevel.NOTHING,
  });
  const prefix = `bare${Date.now().toString(36)}.`;
  const input = `${prefix}in`;
  const output = `${prefix}out`;
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    waitForLeaders: true,
    topics: [
      { topic: input, numPartitions: 6 },
      { topic: output, numPartitions: 6 },
    ],
  });
  await admin.disconnect();
  const p = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await p.connect();
  const payload = Buffer.alloc(400, 7);
  for (let i = 0; i < N; i += 1000) {
    await p.send({
      topic: input,
      messages: Array.from({ length: Math.min(1000, N - i) }, (_, k) => ({
        key: `k${i + k}`,
        value: payload,
      })),
      acks: -1,
    });
  }
  await p.disconnect();
  const tx = createTransactionalProducer(kafka, `${prefix}tx`);
  await tx.connect();
  const groupId = `${prefix}group`;
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topic: input, fromBeginning: true });
  let done = 0;
  // One open transaction per producer: batches of different partitions commit one after another.
  let tail: Promise<unknown> = Promise.resolve();
  const t0 = performance.now();
  await consumer.run({
    autoCommit: false,
    partitionsConsumedConcurrently: 3,
    eachBatch: async ({ batch }) => {
      const out = batch.messages.map((m) => ({ key: m.key, value: m.value }));
      const last = batch.messages[batch.messages.length - 1]!;
      const offsets = nextOffsets(groupId, [
        { topic: batch.topic, partition: batch.partition, offset: last.offset },
      ]);
      const run = () => commitTransaction(tx, [{ topic: output, messages: out }], offsets);
      const mine = tail.then(run, run);
      tail = mine.catch(() => undefined);
      await mine;
      done += batch.messages.length;
    },
  });
  await waitUntil(() => done >= N, 5 * 60_000, 'bare loop');
  const rate = N / ((performance.now() - t0) / 1000);
  await consumer.disconnect();
  await tx.disconnect();
  return rate;
}
