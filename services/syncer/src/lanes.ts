/**
 * One lane per partition between kafkajs's fetch loop and our processing.
 *
 * kafkajs fetches from a broker again only once every batch of its previous fetch has been handled, so
 * with the work done inside `eachBatch` one slow partition held up all the others: an event that arrived
 * meanwhile waited for the slowest batch of the round before it was even fetched (most of the end-to-end
 * p99). Here a batch is queued on its partition's lane and the fetch loop goes on; each lane processes
 * and commits its chunks in offset order, one chunk at a time, so per-partition (and per-entity) order is
 * kept and partitions no longer wait for each other.
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
  /** Items per chunk (one transaction each). */
  chunk: number;
  /** Items a lane holds before `push` waits (back-pressure on the fetch loop). */
  maxQueued: number;
  process: (partition: number, values: T[], lastOffset: string, epoch: number) => Promise<void>;
  /** A chunk failed: its partition must be read again from its last commit (see Processor.recover). */
  onError: (err: unknown, partition: number, firstOffset: string) => void;
}

interface Lane<T> {
  queue: Queued<T>[];
  running: boolean;
}

export class PartitionLanes<T> {
  private readonly lanes = new Map<number, Lane<T>>();
  private waiters: (() => void)[] = [];
  private epochNo = 0;

  constructor(private readonly o: LaneOptions<T>) {}

  get epoch(): number {
    return this.epochNo;
  }

  /**
   * Queues items in order; waits while the lane is full. Returns the offset of the last item queued, or
   * null if a new epoch began meanwhile (the caller must then not mark anything as consumed).
   */
  async push(partition: number, items: Queued<T>[], stillWanted: () => boolean): Promise<string | null> {
    const lane = this.laneOf(partition);
    const epoch = this.epochNo;
    let last: string | null = null;
    for (const item of items) {
      while (lane.queue.length >= this.o.maxQueued) {
        // Started only here and at the end, so a chunk takes all that is queued, not one item.
        this.kick(partition, lane);
        await new Promise<void>((resolve) => this.waiters.push(resolve));
        if (epoch !== this.epochNo || !stillWanted()) return null;
      }
      if (epoch !== this.epochNo) return null;
      lane.queue.push(item);
      last = item.offset;
    }
    this.kick(partition, lane);
    return last;
  }

  /** A new epoch: queued items are dropped; running chunks finish without committing. */
  reset(): void {
    this.epochNo++;
    for (const lane of this.lanes.values()) lane.queue = [];
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

  get queued(): number {
    let n = 0;
    for (const l of this.lanes.values()) n += l.queue.length;
    return n;
  }

  private laneOf(partition: number): Lane<T> {
    let lane = this.lanes.get(partition);
    if (!lane) {
      lane = { queue: [], running: false };
      this.lanes.set(partition, lane);
    }
    return lane;
  }

  private kick(partition: number, lane: Lane<T>): void {
    if (lane.running) return;
    lane.running = true;
    void this.work(partition, lane);
  }

  private async work(partition: number, lane: Lane<T>): Promise<void> {
    try {
      while (lane.queue.length > 0) {
        const epoch = this.epochNo;
        const taken = lane.queue.splice(0, this.o.chunk);
        this.wake();
        const values = taken.flatMap((q) => (q.value === null ? [] : [q.value]));
        try {
          await this.o.process(partition, values, taken[taken.length - 1]!.offset, epoch);
        } catch (err) {
          // Nothing after the failed chunk may commit before it: drop the rest, read again from the commit.
          lane.queue = [];
          this.o.onError(err, partition, taken[0]!.offset);
        }
      }
    } finally {
      lane.running = false;
      this.wake();
    }
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const fn of w) fn();
  }
}
