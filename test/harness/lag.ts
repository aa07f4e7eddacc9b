import type { Kafka } from 'kafkajs';
import { topicName, WORK_TOPICS } from '@siaghsync/shared/kafka/topics';

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

/** The syncer group's lag: on `work` (live) and on the bulk topics together. */
export async function syncerLag(
  kafka: Kafka,
  prefix: string,
): Promise<{ live: number; bulk: number; topics: number }> {
  const group = `${prefix}siaghsync-syncer`;
  const [live, ...bulk] = await Promise.all(
    WORK_TOPICS.map((t) => groupLag(kafka, group, topicName(t, prefix))),
  );
  return { live: live!, bulk: bulk.reduce((a, b) => a + b, 0), topics: WORK_TOPICS.length };
}
