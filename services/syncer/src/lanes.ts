/**
 * One lane per consumed partition (of `work` and of the bulk topics) between kafkajs's fetch loop and our
 * processing.
 *
 * kafkajs fetches from a broker again only once every batch of its previous fetch has been handled, so
 * `eachBatch` must never wait for processing: a batch is queued on its lane and `push` returns at once.
 * A lane that holds `highWater` items or more asks for its partition to be paused (kafkajs then leaves it
 * out of its fetches) and for a resume once it is down to half of that. So the fetch loop always runs,
 * every lane with lag always has work, and memory stays bounded by one fetch over the mark per lane.
 *
 * Each lane processes and commits its chunks in offset order, one chunk at a time, so per-partition
 * order is kept. Several lanes can hold events of one entity (its live events on `work`, its bulk events
 * on a bulk topic, same partition number): a chunk holds the keys of its events until it has committed, and
 * a lane takes only the longest prefix of its queue whose keys no other lane holds. One entity is thus
 * never handled by two chunks at once, and no chunk ever waits while holding keys (no deadlock).
 *
 * A rebalance starts a new epoch: whatever is queued is dropped (kafkajs fetches it again from the
 * committed offsets), and a chunk already running finishes but must not commit (`process` is told the
 * epoch it was taken in and checks it before committing).
 */
export interface Queued<T> {
  offset: string;
  /** null for a record that could not be decoded: nothing to process, but its offset still commits. */
  value: T | null;
}

export interface LaneOptions<T> {
  /** Items per chunk (one transaction each), per lane. */
  chunk: number | ((lane: string) => number);
  /** Items a lane holds before its partition is paused (resumed at half of it). */
  highWater: number;
  /** The entity an item belongs to; items of one entity are never processed by two lanes at once. */
  keyOf: (value: T) => string;
  process: (lane: string, values: T[], lastOffset: string, epoch: number) => Promise<void>;
  /** A chunk failed: its partition must be read again from its last commit (see Processor.recover). */
  onError: (err: unknown, lane: string, firstOffset: string) => void;
  /** Pause (true) or resume (false) fetching for the lane's partition. */
  onPressure?: (lane: string, paused: boolean) => void;
  now?: () => number;
}

interface Lane<T> {
  queue: Queued<T>[];
  /** The chunk being processed (its first item is the oldest the lane holds). */
  chunk: Queued<T>[];
  running: boolean;
  paused: boolean;
  /** The last commit, or when the lane began to hold items after holding none (backlog.ts). */
  lastProgressAt: number;
}

/** What a lane holds, for backlog.ts. */
export interface LaneHolding<T> {
  lane: string;
  /** The first item not yet committed, if any. */
  oldest: T | undefined;
  held: number;
  lastProgressAt: number;
}

export class PartitionLanes<T> {
  private readonly lanes = new Map<string, Lane<T>>();
  /** Entity key -> the lane whose running chunk holds it. */
  private readonly held = new Map<string, string>();
  private waiters: (() => void)[] = [];
  private epochNo = 0;

  constructor(private readonly o: LaneOptions<T>) {}

  get epoch(): number {
    return this.epochNo;
  }

  /** Queues items in order and returns the offset of the last one; never waits (see the class comment). */
  push(laneId: string, items: Queued<T>[]): string | null {
    const lane = this.laneOf(laneId);
    if (lane.queue.length === 0 && lane.chunk.length === 0) lane.lastProgressAt = this.now();
    for (const item of items) lane.queue.push(item);
    if (!lane.paused && lane.queue.length >= this.o.highWater) {
      lane.paused = true;
      this.o.onPressure?.(laneId, true);
    }
    this.kick(laneId, lane);
    return items.length > 0 ? items[items.length - 1]!.offset : null;
  }

  /** A new epoch: queued items are dropped and paused lanes resumed; running chunks finish without committing. */
  reset(): void {
    this.epochNo++;
    for (const [id, lane] of this.lanes) {
      lane.queue = [];
      this.release(id, lane);
    }
    this.wake();
  }

  /** Resolves once no lane has anything queued or running. */
  async idle(): Promise<void> {
    while ([...this.lanes.values()].some((l) => l.running || l.queue.length > 0)) {
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  /**
   * For a graceful stop: drops what is queued (not started, so not committed: whoever reads the
   * partition next starts there) and waits for the running chunks to finish and commit.
   */
  async drain(): Promise<void> {
    for (const lane of this.lanes.values()) lane.queue = [];
    this.wake();
    await this.idle();
  }

  /** Per lane, its oldest uncommitted item and how long since it last committed. */
  holdings(): LaneHolding<T>[] {
    return [...this.lanes].map(([lane, l]) => {
      const first = l.chunk.find((q) => q.value !== null) ?? l.queue.find((q) => q.value !== null);
      return {
        lane,
        oldest: first?.value ?? undefined,
        held: l.chunk.length + l.queue.length,
        lastProgressAt: l.lastProgressAt,
      };
    });
  }

  private now(): number {
    return this.o.now?.() ?? Date.now();
  }

  get queued(): number {
    let n = 0;
    for (const l of this.lanes.values()) n += l.queue.length;
    return n;
  }

  private laneOf(id: string): Lane<T> {
    let lane = this.lanes.get(id);
    if (!lane) {
      lane = { queue: [], chunk: [], running: false, paused: false, lastProgressAt: this.now() };
      this.lanes.set(id, lane);
    }
    return lane;
  }

  private kick(id: string, lane: Lane<T>): void {
    if (lane.running) return;
    lane.running = true;
    void this.work(id, lane);
  }

  /** How many items at the front of the queue may be taken now: no key held by another lane. */
  private takeable(id: string, lane: Lane<T>): number {
    const chunk = typeof this.o.chunk === 'number' ? this.o.chunk : this.o.chunk(id);
    const limit = Math.min(chunk, lane.queue.length);
    for (let i = 0; i < limit; i++) {
      const v = lane.queue[i]!.value;
      if (v === null) continue;
      const holder = this.held.get(this.o.keyOf(v));
      if (holder !== undefined && holder !== id) return i;
    }
    return limit;
  }

  private async work(id: string, lane: Lane<T>): Promise<void> {
    try {
      while (lane.queue.length > 0) {
        const epoch = this.epochNo;
        const n = this.takeable(id, lane);
        if (n === 0) {
          // The next item's entity is in another lane's running chunk: wait for a chunk to end.
          await new Promise<void>((resolve) => this.waiters.push(resolve));
          continue;
        }
        const taken = lane.queue.splice(0, n);
        if (lane.paused && lane.queue.length <= this.o.highWater / 2) this.release(id, lane);
        const values = taken.flatMap((q) => (q.value === null ? [] : [q.value]));
        const keys = [...new Set(values.map((v) => this.o.keyOf(v)))];
        for (const k of keys) this.held.set(k, id);
        this.wake();
        lane.chunk = taken;
        try {
          await this.o.process(id, values, taken[taken.length - 1]!.offset, epoch);
          lane.lastProgressAt = this.now();
        } catch (err) {
          // Nothing after the failed chunk may commit before it: drop the rest, read again from the commit.
          lane.queue = [];
          this.release(id, lane);
          this.o.onError(err, id, taken[0]!.offset);
        } finally {
          lane.chunk = [];
          for (const k of keys) if (this.held.get(k) === id) this.held.delete(k);
          this.wake();
        }
      }
    } finally {
      lane.running = false;
      this.wake();
    }
  }

  private release(id: string, lane: Lane<T>): void {
    if (!lane.paused) return;
    lane.paused = false;
    this.o.onPressure?.(id, false);
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const fn of w) fn();
  }
}
