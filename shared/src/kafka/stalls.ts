import type { GroupLag } from './lag';

// Stalls seen from outside a consumer: offsets sampled over time. A partition with lag whose committed
// offset has not moved for a while is stalled, whichever service's group it is (the syncer also knows
// its own stalls from inside; the router, projector and poller groups are seen only this way).
//
// Lag alone is not work: a transactional producer ends each transaction with a commit marker, an offset
// no consumer is handed, so an idle partition whose last write was a transaction shows a lag of 1 for
// ever (every `work` partition of a quiet pipeline). Work is a lag above 1, or records that arrived
// after the committed offset last moved.
//
// How long a partition has been behind is the age of its oldest record not yet consumed, as the samples
// tell it: when the end offset was first seen past the committed one. Not how long its lag has been
// above zero: a consumer that keeps a few records in flight under steady traffic always has lag, and was
// shown "behind for" minutes while it was seconds behind.

export interface PartitionWatch {
  committed: number | null;
  /** When the committed offset was last seen to change (or first seen). */
  movedAt: number;
  /** The partition's end offset then. */
  endAtMove: number;
  /**
   * The samples with work not yet consumed: when each saw which end offset (oldest first, bounded). The
   * first one's time is when the oldest record not yet consumed was first seen; empty when caught up.
   */
  backlog: readonly { at: number; end: number }[];
}

/** Samples kept per partition: an hour at the projector's 10 s; past it the oldest's successors thin out. */
const MAX_BACKLOG = 360;

function nextBacklog(
  before: PartitionWatch['backlog'],
  work: boolean,
  committed: number,
  end: number,
  now: number,
): PartitionWatch['backlog'] {
  if (!work) return [];
  // A sample's records are all consumed once the committed offset reached its end.
  const kept = before.filter((b) => b.end > committed);
  if (kept.length === 0 || kept[kept.length - 1]!.end < end) kept.push({ at: now, end });
  // The first entry is the answer; thinning the ones after it only coarsens the next answers.
  if (kept.length > MAX_BACKLOG) kept.splice(1, 1);
  return kept;
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
      const work = hasWork(p.lag, p.end, endAtMove);
      const backlog = nextBacklog(before?.backlog ?? [], work, p.committed ?? 0, p.end, now);
      next.set(key, {
        committed: p.committed,
        movedAt: moved ? now : before.movedAt,
        endAtMove,
        backlog,
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
  /** The age of the oldest record not yet consumed (the oldest of its partitions), in seconds, as sampled. */
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
      const lagSince = w?.backlog[0]?.at;
      if (!w || lagSince === undefined) continue;
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
