// How far behind the sync is, per partition and overall: pure, from what the lanes hold (lanes.ts).
//
// A lane's first uncommitted event is the oldest change of its partition not yet synced (a partition is
// consumed in offset order), so its age, from when the change was observed, is the partition's
// freshness; a count of lagging records says nothing of how long a person's edit has waited. A lane
// that holds events but has committed nothing for `stallMs` is stalled: lag alone cannot tell a busy
// partition from one that stands still.

export interface LaneView {
  /** `<topic>:<partition>` */
  lane: string;
  /** When the first uncommitted event of the lane was observed (epoch ms); undefined when it holds none. */
  oldestObservedAt: number | undefined;
  /** Events held (running and queued). */
  held: number;
  /** The lane's last commit, or when it began to hold events after holding none (epoch ms). */
  lastProgressAt: number;
}

export interface PartitionBacklog {
  lane: string;
  topic: string;
  partition: number;
  held: number;
  oldestSeconds: number;
  /** Since when it stands still (epoch ms), or null. */
  stalledSince: number | null;
}

export interface Backlog {
  /** Oldest unsynced change on `work` (people's edits, webhooks, polls), seconds; 0 = in sync. */
  liveSeconds: number;
  /** The same on the bulk topics (the import, mass re-observations). */
  bulkSeconds: number;
  partitions: PartitionBacklog[];
  stalled: PartitionBacklog[];
}

export function backlogOf(
  lanes: readonly LaneView[],
  liveTopic: string,
  now: number,
  stallMs: number,
): Backlog {
  const partitions = lanes.map((l): PartitionBacklog => {
    const cut = l.lane.lastIndexOf(':');
    const held = l.oldestObservedAt === undefined ? 0 : l.held;
    return {
      lane: l.lane,
      topic: l.lane.slice(0, cut),
      partition: Number(l.lane.slice(cut + 1)),
      held,
      oldestSeconds: l.oldestObservedAt === undefined ? 0 : Math.max(0, now - l.oldestObservedAt) / 1000,
      stalledSince: held > 0 && now - l.lastProgressAt >= stallMs ? l.lastProgressAt : null,
    };
  });
  const oldest = (bulk: boolean) =>
    Math.max(0, ...partitions.filter((p) => (p.topic !== liveTopic) === bulk).map((p) => p.oldestSeconds));
  return {
    liveSeconds: oldest(false),
    bulkSeconds: oldest(true),
    partitions,
    stalled: partitions.filter((p) => p.stalledSince !== null),
  };
}
