import { AsyncLocalStorage } from 'node:async_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { bulkhead, type BulkheadPolicy } from 'cockatiel';

export interface RateLimitOptions {
  perSecond: number;
  maxConcurrent: number;
}

const WINDOW_MS = 1000;

/**
 * Calls made for live work (a person's edit, as opposed to the import's bulk work) go ahead of the queue:
 * at a target's rate limit, an edit must not wait behind hundreds of the import's queued creates. They
 * take no slot of the concurrency bound (one queued behind bulk calls for a slot would wait as long);
 * live volume is a few calls a second, so the bound is exceeded by little. Process-wide, so that every
 * client's limiter sees it.
 */
const liveWork = new AsyncLocalStorage<true>();

/** Runs `fn` as live work: its calls through any CallLimiter go before the waiting bulk calls. */
export function asLiveWork<T>(fn: () => Promise<T>): Promise<T> {
  return liveWork.run(true, fn);
}

/**
 * At most `maxConcurrent` calls at once and `perSecond` starts in any 1,000 ms, first come first served: a
 * client that has been idle may send a second's worth at once, never more.
 *
 * "Any second" is a sliding window: a call starts only when the start `perSecond` places before it is a
 * full second old (the start times of the last `perSecond` calls are kept in a ring). The libraries tried
 * before did not keep that promise: Bottleneck put every call through two one-at-a-time locks, each waiting
 * on a timer (about 400 calls/s whatever the limits, bench/lib/apiCeilingChild.ts); `limiter`'s RateLimiter
 * counts per fixed interval anchored at its construction, so 11 calls at a limit of 10 started within
 * 991 ms in CI, and a bucket plus such an interval can let nearly twice the limit out across a boundary.
 * A call first takes a slot and only then its turn, so every start is paced (a turn taken while waiting for
 * a slot would let a burst out when slots free up).
 */
export class CallLimiter {
  private readonly slots: BulkheadPolicy;
  private readonly recentStarts: Float64Array;
  private next = 0;
  private readonly waiting: (() => void)[] = [];
  private readonly urgent: (() => void)[] = [];
  private readonly live: (() => void)[] = [];
  private pumping = false;
  /** Set inside `hold` and `priority`: calls that need no slot of their own and go first. */
  private readonly held = new AsyncLocalStorage<true>();

  constructor(options: RateLimitOptions) {
    if (!(options.perSecond >= 1) || !Number.isInteger(options.perSecond)) {
      throw new RangeError(`perSecond must be a whole number >= 1, got ${options.perSecond}`);
    }
    this.slots = bulkhead(options.maxConcurrent, Number.MAX_SAFE_INTEGER);
    this.recentStarts = new Float64Array(options.perSecond).fill(-Infinity);
  }

  schedule<T>(fn: () => Promise<T>): Promise<T> {
    if (this.held.getStore()) return this.turn('urgent').then(fn);
    if (liveWork.getStore()) return this.turn('live').then(fn);
    return this.slots.execute(async () => {
      await this.turn('waiting');
      return fn();
    });
  }

  /**
   * Runs `fn` in one slot, and each call it makes goes ahead of the calls waiting for their turn. For a
   * read followed by a write built from it: the CRM's update has no version check, so every moment spent
   * queueing between the two is a moment in which a person's edit can be overwritten with what was read.
   */
  hold<T>(fn: () => Promise<T>): Promise<T> {
    if (this.held.getStore()) return fn();
    // A person's edit takes no slot here either: queued for one behind the import's calls, the CRM read
    // and update of a live edit would wait as long as the import's whole queue of slots.
    if (liveWork.getStore()) return this.held.run(true, fn);
    return this.slots.execute(() => this.held.run(true, fn));
  }

  /**
   * Calls made by `fn` take no slot and go ahead of the waiting ones. For a login: calls that hold a slot
   * may be waiting for it, and a login queued behind them for a slot would wait for ever.
   */
  priority<T>(fn: () => Promise<T>): Promise<T> {
    return this.held.getStore() ? fn() : this.held.run(true, fn);
  }

  /** Resolves when this call may start; turns go in the order they were asked for, urgent then live first. */
  private turn(queue: 'urgent' | 'live' | 'waiting'): Promise<void> {
    return new Promise<void>((resolve) => {
      this[queue].push(resolve);
      void this.pump();
    });
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.urgent.length > 0 || this.live.length > 0 || this.waiting.length > 0) {
        // Who goes next is chosen only once the window allows a start, so an urgent call that arrives
        // meanwhile is not left behind. A timer may fire a little early by performance.now(): check again.
        const wait = this.recentStarts[this.next]! + WINDOW_MS - performance.now();
        if (wait > 0) {
          await sleep(Math.ceil(wait));
          continue;
        }
        const start = (this.urgent.shift() ?? this.live.shift() ?? this.waiting.shift())!;
        this.recentStarts[this.next] = performance.now();
        this.next = (this.next + 1) % this.recentStarts.length;
        start();
      }
    } finally {
      this.pumping = false;
    }
  }
}
