import type { Kafka } from 'kafkajs';
import { TOPICS, topicConfigEntries, topicName, type TopicKey } from './topics';

/**
 * Creates the catalogue's topics that do not exist yet; safe to call from every service at start-up
 * and concurrently (a lost creation race is "already exists", which is what we wanted).
 */
export async function ensureTopics(
  kafka: Kafka,
  prefix = '',
  keys: readonly TopicKey[] = Object.keys(TOPICS) as TopicKey[],
): Promise<string[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = keys.filter((k) => !existing.has(topicName(k, prefix)));
    if (missing.length === 0) return [];
    try {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((k) => ({
          topic: topicName(k, prefix),
          numPartitions: TOPICS[k].partitions,
          replicationFactor: 1,
          configEntries: topicConfigEntries(TOPICS[k]),
        })),
      });
    } catch (err) {
      // Another instance created some of them between our list and our create.
      const type = (err as { type?: string }).type;
      const nested = (err as { errors?: { type?: string }[] }).errors ?? [];
      const onlyExists =
        type === 'TOPIC_ALREADY_EXISTS' ||
        (nested.length > 0 && nested.every((e) => e.type === 'TOPIC_ALREADY_EXISTS'));
      if (!onlyExists) throw err;
    }
    return missing.map((k) => topicName(k, prefix));
  } finally {
    await admin.disconnect();
  }
}
