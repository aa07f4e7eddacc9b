import { groupLags } from '@siaghsync/shared/kafka/lag';
import type { Kafka } from '@siaghsync/shared/kafka/index';
import type { LagEntry } from './api/route';

/**
 * Lag of every consumer group of the deployment (shared/src/kafka/groups.ts): per partition,
 * end offset minus committed offset. Cached briefly: the dashboard polls it.
 */
export function lagReporter(
  kafka: Kafka,
  groupPrefix: string,
  ttlMs = 3000,
  topicPrefix = '',
): () => Promise<LagEntry[]> {
  let cache: { at: number; value: LagEntry[] } | null = null;
  return async () => {
    if (cache && Date.now() - cache.at < ttlMs) return cache.value;
    const admin = kafka.admin();
    await admin.connect();
    try {
      // A group that never committed on a partition counts everything up to its end as lag.
      const out: LagEntry[] = (await groupLags(admin, groupPrefix, topicPrefix)).flatMap((g) =>
        g.partitions.map((p) => ({
          group: p.group,
          topic: p.topic,
          partition: p.partition,
          committed: p.committed ?? 0,
          end: p.end,
          lag: p.committed === null ? p.end : p.lag,
        })),
      );
      cache = { at: Date.now(), value: out };
      return out;
    } finally {
      await admin.disconnect();
    }
  };
}
