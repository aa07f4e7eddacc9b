import type { GroupLag } from './lag';

// Stalls seen from outside a consumer: offsets sampled over time. A partition with lag whose committed
// offset has not moved for a while is stalled, whichever service's group it is (the syncer also knows
// its own stalls from inside; the router, projector and poller groups are seen only this way).
//
// Lag alone is not work: a transactional producer ends each transaction with a commit marker, an offset
// no consumer is handed, so an idle partition whose last write was a transaction shows a lag of 1 for
// ever (every `work` partition of a quiet pipeline). Work is a lag above 1, or records that arrived
// after the committed offset last moved.

export interface PartitionWatch {
  committed: number | null;
  /** When the committed offset was last seen to change (or first seen). */
  movedAt: number;
  /** The partition's end offset then. */
  endAtMove: number;
  /** Since when the partition has had lag, as far as the samples tell; null when caught up. */
  behindSince: number | null;
}

export type Watches = ReadonlyMap<string, PartitionWatch>;

const keyOf = (group: string, topic: string, partition: number) => `${group}\u0000${topic}\u0000${partition}`;

const hasWork = (lag: number, end: number, endAtMove: number) => lag > 1 || (lag > 0 && end > endAtMove);

/** The next watch state from one sample of every group's offsets. Pure. */
export function observeLags(
  prev: Watches,
  groups: readonly GroupLag[],
  now: number,
): Map<string, PartitionWatch> {
  const next = new Map<string, PartitionWatch>();
  for (const g of groups)
    for (const p of g.partitions) {
      const key = keyOf(g.group, p.topic, p.partition);
      const before = prev.get(key);
      const moved = !before || before.committed !== p.committed;
      const endAtMove = moved ? p.end : before.endAtMove;
      next.set(key, {
        committed: p.committed,
        movedAt: moved ? now : before.movedAt,
        endAtMove,
        behindSince: hasWork(p.lag, p.end, endAtMove) ? (before?.behindSince ?? now) : null,
      });
    }
  return next;
}

export interface StalledPartition {
  topic: string;
  partition: number;
  lag: number;
  /** Since when it has had work and not moved its committed offset. */
  since: number;
}

export interface GroupHealth {
  group: string;
  state: string;
  members: number;
  lag: number;
  /** How long the group has had lag without a break (the longest of its partitions), in seconds. */
  behindSeconds: number;
  stalled: StalledPartition[];
}

/** Each group's lag, how long it has been behind, and its partitions stalled for `stallAfterMs`. Pure. */
export function groupHealth(
  groups: readonly GroupLag[],
  watches: Watches,
  now: number,
  stallAfterMs: number,
): GroupHealth[] {
  return groups.map((g) => {
    let behindSince = now;
    const stalled: StalledPartition[] = [];
    for (const p of g.partitions) {
      const w = watches.get(keyOf(g.group, p.topic, p.partition));
      if (!w || w.behindSince === null) continue;
      const lagSince = w.behindSince;
      behindSince = Math.min(behindSince, lagSince);
      // Standing still is a stall only while there is work: a quiet partition's offset rests for hours.
      const since = Math.max(w.movedAt, lagSince);
      if (now - since >= stallAfterMs)
        stalled.push({ topic: p.topic, partition: p.partition, lag: p.lag, since });
    }
    return {
      group: g.group,
      state: g.state,
      members: g.members,
      lag: g.lag,
      behindSeconds: (now - behindSince) / 1000,
      stalled,
    };
  });
}
