/**
 * Whether this member still owns the partitions it fetched from, asked before every target call and every
 * commit (processor.ts). kafkajs cannot fence a member that lost its partitions (no KIP-447), and a
 * process paused past its session (a stop signal, a frozen VM, a long pause of the machine) wakes up
 * with target calls, their retries and a commit in flight while another member owns its partitions and
 * has synced newer changes: a retried write would put an older value back, and its offsets would
 * overwrite the new owner's.
 *
 * Cheap while all is well: a member whose heartbeat was answered within `freshMs` (a part of the
 * session) cannot have been expelled. Otherwise the coordinator is asked now (`ask`: is this member in
 * the group, and is the group stable?). A heartbeat answer processed after a pause may have been sent
 * before it, so a pause of the event loop (seen as a late tick) distrusts every heartbeat until an
 * answer to a question asked after it.
 */
export class NotOwner extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotOwner';
  }
}

export interface OwnershipOptions {
  freshMs: number;
  /**
   * True if the coordinator, asked now, has this member in a stable group; false if it does not (expelled,
   * or a rebalance under way: a rejoin follows). Throws when it cannot tell (unreachable).
   */
  ask: () => Promise<boolean>;
  now?: () => number;
}

export class Ownership {
  private member = false;
  private trusted = false;
  /** Pauses of the process seen so far (late ticks): an answer asked for before one is not trusted. */
  private pausesSeen = 0;
  private lastBeat = 0;
  private lastTick: number;
  private asking: Promise<boolean> | undefined;
  private readonly now: () => number;

  constructor(private readonly o: OwnershipOptions) {
    this.now = o.now ?? Date.now;
    this.lastTick = this.now();
  }

  /** The member joined (or rejoined) the group and holds its assignment. */
  joined(): void {
    this.member = true;
    this.trusted = true;
    this.lastBeat = this.now();
  }

  /** A rebalance began, or the consumer stopped or crashed: nothing is owned until the next join. */
  released(): void {
    this.member = false;
  }

  /** The coordinator answered a heartbeat. */
  beat(): void {
    if (this.trusted) this.lastBeat = this.now();
  }

  /** Called on a short interval: a late tick means the process was paused (or starved) meanwhile. */
  tick(): void {
    const now = this.now();
    if (now - this.lastTick > this.o.freshMs) {
      this.trusted = false;
      this.pausesSeen++;
    }
    this.lastTick = now;
  }

  /**
   * False once the group has said this member is out (or a rebalance began): a rejoin follows, and work
   * refused meanwhile is read again by whoever is assigned the partition, from its commit.
   */
  get isMember(): boolean {
    return this.member;
  }

  async holds(): Promise<boolean> {
    if (!this.member) return false;
    const now = this.now();
    if (this.trusted && now - this.lastBeat < this.o.freshMs && now - this.lastTick < this.o.freshMs)
      return true;
    // Concurrent callers share one question.
    this.asking ??= this.confirm().finally(() => {
      this.asking = undefined;
    });
    return this.asking;
  }

  private async confirm(): Promise<boolean> {
    const askedAt = this.now();
    const pausesBefore = this.pausesSeen;
    let answer: boolean | 'unknown';
    try {
      answer = await this.o.ask();
    } catch {
      answer = 'unknown';
    }
    if (answer === false) this.member = false;
    // A rebalance that began while asking wins over the answer; so does a pause of this process after
    // the question was sent (its answer may describe the group before the pause), seen by a late tick or
    // by the clock.
    const late = this.pausesSeen !== pausesBefore || this.now() - askedAt >= this.o.freshMs;
    if (answer !== true || !this.member || late) return false;
    this.trusted = true;
    this.lastBeat = Math.max(this.lastBeat, askedAt);
    return true;
  }
}
