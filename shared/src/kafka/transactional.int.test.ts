import { Kafka, logLevel, type Consumer, type KafkaMessage } from 'kafkajs';
import { requireEnv, uniqueName } from '../../../test/harness/names';
import { commitTransaction, nextOffsets } from './transactional';
import { connectTransactional, createIdempotentProducer, createTransactionalProducer } from './producer';

const kafka = () =>
  new Kafka({
    clientId: 'eos-test',
    brokers: requireEnv('KAFKA_BROKERS').split(','),
    logLevel: logLevel.NOTHING,
  });

async function readAll(
  k: Kafka,
  topic: string,
  expected: number,
  timeoutMs = 15_000,
): Promise<KafkaMessage[]> {
  // read_committed is kafkajs's default (readUncommitted: false)
  const consumer: Consumer = k.consumer({ groupId: uniqueName('reader'), readUncommitted: false });
  const got: KafkaMessage[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let resolveDone!: () => void;
  const done = new Promise<void>((r) => (resolveDone = r));
  await consumer.run({
    eachMessage: ({ message }) => {
      got.push(message);
      if (got.length >= expected) resolveDone();
      return Promise.resolve();
    },
  });
  await Promise.race([done, new Promise((r) => setTimeout(r, timeoutMs))]);
  // Give a read_committed consumer a moment to (wrongly) deliver anything beyond what we expect.
  await new Promise((r) => setTimeout(r, 1500));
  await consumer.disconnect();
  return got;
}

describe('transactional consume-transform-produce (real broker)', () => {
  it('commits outputs and offsets together; an aborted transaction leaves neither', async () => {
    const k = kafka();
    const input = uniqueName('in');
    const output = uniqueName('out');
    const group = uniqueName('ctp');
    const admin = k.admin();
    await admin.connect();
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic: input }, { topic: output }] });

    const plain = createIdempotentProducer(k);
    await plain.connect();
    await plain.send({ topic: input, messages: [1, 2, 3, 4].map((n) => ({ key: `k${n}`, value: `v${n}` })) });
    await plain.disconnect();

    const tx = createTransactionalProducer(k, uniqueName('txid'));
    await tx.connect();
    const consumer = k.consumer({ groupId: group });
    await consumer.connect();
    await consumer.subscribe({ topic: input, fromBeginning: true });

    let batches = 0;
    const processed = new Promise<void>((resolve, reject) => {
      void consumer
        .run({
          autoCommit: false,
          eachBatch: async ({ batch }) => {
            // Message by message so the first two commit and the last two abort.
            for (const m of batch.messages) {
              const n = Number(m.value!.toString().slice(1));
              const out = [{ topic: output, messages: [{ key: m.key, value: `out-${n}` }] }];
              const offsets = nextOffsets(group, [
                { topic: batch.topic, partition: batch.partition, offset: m.offset },
              ]);
              if (n <= 2) {
                await commitTransaction(tx, out, offsets);
              } else {
                const t = await tx.transaction();
                await t.send(out[0]!);
                await t.sendOffsets(offsets);
                await t.abort();
              }
              batches++;
            }
            if (batches >= 4) resolve();
          },
        })
        .catch(reject);
    });
    await processed;
    await consumer.disconnect();
    await tx.disconnect();

    const seen = await readAll(k, output, 2);
    expect(seen.map((m) => m.value!.toString()).sort()).toEqual(['out-1', 'out-2']);

    const committed = await admin.fetchOffsets({ groupId: group, topics: [input] });
    // Offsets 0 and 1 were committed in transactions: the next one to read is 2, not 4.
    expect(committed[0]!.partitions[0]!.offset).toBe('2');

    const endOffsets = await admin.fetchTopicOffsets(output);
    // The aborted records and the transaction markers do occupy offsets: they exist but are invisible.
    expect(Number(endOffsets[0]!.high)).toBeGreaterThan(2);
    await admin.disconnect();
  });
  it('a restarted producer fences its crashed predecessor on connect: read_committed readers are not held back', async () => {
    const k = kafka();
    const topic = uniqueName('fence');
    const admin = k.admin();
    await admin.connect();
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic }] });
    await admin.disconnect();
    const txid = uniqueName('txid');

    // The crash: a transaction with a record in it, neither committed nor aborted (transaction timeout 60 s).
    const crashed = createTransactionalProducer(k, txid);
    await connectTransactional(crashed);
    const open = await crashed.transaction();
    await open.send({ topic, messages: [{ key: 'a', value: 'left open' }] });
    const plain = createIdempotentProducer(k);
    await plain.connect();
    await plain.send({ topic, messages: [{ key: 'b', value: 'written after' }] });
    await plain.disconnect();

    const successor = createTransactionalProducer(k, txid);
    await connectTransactional(successor);
    // Behind an open transaction a read_committed reader sees nothing (the last stable offset stays before
    // it) until the broker times the transaction out; fenced, the open one is aborted and the rest readable.
    const got = await readAll(k, topic, 1, 10_000);
    expect(got.map((m) => m.value?.toString())).toEqual(['written after']);
    await expect(open.commit()).rejects.toThrow();
    await successor.disconnect();
    await crashed.disconnect().catch(() => undefined);
  }, 60_000);
});
