import type { Admin } from 'kafkajs';
import { mayOwnGroup, ownsGroup } from './groups';

export interface PartitionLag {
  group: string;
  topic: string;
  partition: number;
  /** null: the group has committed nothing on this partition yet. */
  committed: number | null;
  end: number;
  lag: number;
}

export interface GroupLag {
  group: string;
  state: string;
  members: number;
  lag: number;
  partitions: PartitionLag[];
}

/** Lag of one partition: end offset minus committed; with no commit, everything from the start is lag. */
export function partitionLag(
  committed: string | number,
  end: string | number,
  low: string | number = 0,
): { committed: number | null; lag: number } {
  const c = Number(committed);
  const e = Number(end);
  if (c < 0) return { committed: null, lag: Math.max(0, e - Number(low)) };
  return { committed: c, lag: Math.max(0, e - c) };
}

/** Lag per partition of every consumer group of the deployment (shared/src/kafka/groups.ts). */
export async function groupLags(admin: Admin, prefix: string, topicPrefix = ''): Promise<GroupLag[]> {
  const { groups } = await admin.listGroups();
  const ids = groups
    .map((g) => g.groupId)
    .filter((g) => mayOwnGroup(g, prefix, topicPrefix))
    .sort();
  if (ids.length === 0) return [];
  const described = await admin.describeGroups(ids);
  const ends = new Map<string, Map<number, { high: string; low: string }>>();
  const out: GroupLag[] = [];
  for (const groupId of ids) {
    const d = described.groups.find((g) => g.groupId === groupId);
    const committed = await admin.fetchOffsets({ groupId });
    if (
      !ownsGroup(
        groupId,
        committed.map((t) => t.topic),
        prefix,
        topicPrefix,
      )
    )
      continue;
    const partitions: PartitionLag[] = [];
    for (const t of committed) {
      // A group named without the prefix (set so by hand, or from before the projector's was prefixed)
      // may still hold offsets of another deployment's topics: they are not this deployment's lag.
      if (!t.topic.startsWith(topicPrefix)) continue;
      let e = ends.get(t.topic);
      if (!e) {
        e = new Map(
          (await admin.fetchTopicOffsets(t.topic)).map((o) => [o.partition, { high: o.high, low: o.low }]),
        );
        ends.set(t.topic, e);
      }
      for (const p of t.partitions) {
        const end = e.get(p.partition) ?? { high: '0', low: '0' };
        partitions.push({
          group: groupId,
          topic: t.topic,
          partition: p.partition,
          ...partitionLag(p.offset, end.high, end.low),
          end: Number(end.high),
        });
      }
    }
    partitions.sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
    out.push({
      group: groupId,
      state: d?.state ?? 'Unknown',
      members: d?.members.length ?? 0,
      lag: partitions.reduce((s, p) => s + p.lag, 0),
      partitions,
    });
  }
  return out;
}
