import { setTimeout as sleep } from 'node:timers/promises';
import { bulkhead, type BulkheadPolicy } from 'cockatiel';

export interface RateLimitOptions {
  perSecond: number;
  maxConcurrent: number;
}

const WINDOW_MS = 1000;

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
  private queue: Promise<void> = Promise.resolve();

  constructor(options: RateLimitOptions) {
    if (!(options.perSecond >= 1) || !Number.isInteger(options.perSecond)) {
      throw new RangeError(`perSecond must be a whole number >= 1, got ${options.perSecond}`);
    }
    this.slots = bulkhead(options.maxConcurrent, Number.MAX_SAFE_INTEGER);
    this.recentStarts = new Float64Array(options.perSecond).fill(-Infinity);
  }

  schedule<T>(fn: () => Promise<T>): Promise<T> {
    return this.slots.execute(async () => {
      await this.turn();
      return fn();
    });
  }

  /** Resolves when this call may start; turns are handed out in the order they were asked for. */
  private turn(): Promise<void> {
    this.queue = this.queue.then(async () => {
      // A timer may fire a little early by performance.now(), so wait until the window has really passed.
      for (;;) {
        const wait = this.recentStarts[this.next]! + WINDOW_MS - performance.now();
        if (wait <= 0) break;
        await sleep(Math.ceil(wait));
      }
      this.recentStarts[this.next] = performance.now();
      this.next = (this.next + 1) % this.recentStarts.length;
    });
    return this.queue;
  }
}
