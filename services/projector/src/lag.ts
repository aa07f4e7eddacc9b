import { mayOwnGroup, ownsGroup } from '@siaghsync/shared/kafka/groups';
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
      const { groups } = await admin.listGroups();
      const out: LagEntry[] = [];
      const ends = new Map<string, Map<number, number>>();
      for (const { groupId } of groups
        .filter((g) => mayOwnGroup(g.groupId, groupPrefix, topicPrefix))
        .sort((a, b) => a.groupId.localeCompare(b.groupId))) {
        const committed = await admin.fetchOffsets({ groupId });
        if (
          !ownsGroup(
            groupId,
            committed.map((t) => t.topic),
            groupPrefix,
            topicPrefix,
          )
        )
          continue;
        for (const t of committed) {
          if (!ends.has(t.topic))
            ends.set(
              t.topic,
              new Map((await admin.fetchTopicOffsets(t.topic)).map((p) => [p.partition, Number(p.high)])),
            );
          for (const p of t.partitions) {
            const end = ends.get(t.topic)?.get(p.partition) ?? 0;
            const committed = Number(p.offset) < 0 ? 0 : Number(p.offset);
            out.push({
              group: groupId,
              topic: t.topic,
              partition: p.partition,
              committed,
              end,
              lag: Math.max(0, end - committed),
            });
          }
        }
      }
      cache = { at: Date.now(), value: out };
      return out;
    } finally {
      await admin.disconnect();
    }
  };
}
