import type { Kafka } from 'kafkajs';

/** Lag of a consumer group on a topic: records not yet committed (0 = caught up). */
export async function groupLag(kafka: Kafka, groupId: string, topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [ends, committed] = await Promise.all([
      admin.fetchTopicOffsets(topic),
      admin.fetchOffsets({ groupId, topics: [topic] }),
    ]);
    let lag = 0;
    for (const p of ends) {
      const c = committed[0]?.partitions.find((x) => x.partition === p.partition)?.offset ?? '-1';
      const done = Number(c) < 0 ? Number(p.low) : Number(c);
      // Transaction markers occupy offsets after the last record: a gap of a marker or two is idle.
      lag += Math.max(0, Number(p.high) - done);
    }
    return lag;
  } finally {
    await admin.disconnect();
  }
}
