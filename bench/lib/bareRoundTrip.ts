// The baseline of the end-to-end figure: what Kafka alone costs. One idempotent kafkajs producer
// (acks=all, one request in flight, as the services produce) sends one message at a time on the same
// open-loop schedule as the pipeline's edits; a consumer in the same process (maxWaitTimeInMs as the
// syncer's) takes each one off. The latency is from just before send() to the consumer seeing it.

import { Kafka, logLevel } from 'kafkajs';
import { performance } from 'node:perf_hooks';

export async function bareRoundTrip(
  brokers: string[],
  topic: string,
  rate: number,
  seconds: number,
  settleMs = 10_000,
): Promise<{ latencies: number[]; lost: number }> {
  const kafka = new Kafka({ brokers, clientId: 'bench-e2e-bare', logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 6 }] });
  await admin.disconnect();

  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  const consumer = kafka.consumer({ groupId: `${topic}.group`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let assigned = false;
  consumer.on(consumer.events.GROUP_JOIN, () => (assigned = true));
  await consumer.run({
    eachMessage: ({ message }) => {
      const t = sentAt.get(message.key?.toString() ?? '');
      if (t !== undefined) latencies.push(performance.now() - t);
      return Promise.resolve();
    },
  });
  while (!assigned) await new Promise((r) => setTimeout(r, 50));

  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const payload = Buffer.alloc(500, 7);
  const total = Math.round(rate * seconds);
  const sends: Promise<unknown>[] = [];
  const start = performance.now();
  for (let k = 0; k < total; k++) {
    const wait = start + (k * 1000) / rate - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const key = `k${k}`;
    sentAt.set(key, performance.now());
    sends.push(
      producer.send({ topic, acks: -1, messages: [{ key, value: payload }] }).catch(() => undefined),
    );
  }
  await Promise.all(sends);
  const end = Date.now() + settleMs;
  while (latencies.length < total && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
  await consumer.disconnect();
  await producer.disconnect();
  return { latencies, lost: total - latencies.length };
}
