import type { Kafka, KafkaMessage } from '@siaghsync/shared/kafka/client';

/**
 * Reads a topic from the beginning to the end offsets it has now, with a throwaway consumer group, and
 * hands every message to `each` (in order per partition). Ends per batch, not per message: a log written
 * in transactions ends with a commit marker that no message carries.
 */
export async function readTopicToEnd(
  kafka: Kafka,
  topic: string,
  each: (message: KafkaMessage, partition: number) => Promise<void> | void,
): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(topic).finally(() => admin.disconnect());
  const want = new Map(ends.filter((e) => e.high !== e.low).map((e) => [e.partition, BigInt(e.high)]));
  if (want.size === 0) return;
  const consumer = kafka.consumer({ groupId: `read-${topic}-${Date.now()}`, maxWaitTimeInMs: 200 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve) => {
      void consumer.run({
        eachBatch: async ({ batch }) => {
          for (const m of batch.messages) await each(m, batch.partition);
          if (BigInt(batch.lastOffset()) + 1n >= (want.get(batch.partition) ?? 0n))
            want.delete(batch.partition);
          if (want.size === 0) resolve();
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
}
