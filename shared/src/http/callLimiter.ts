import { bulkhead, type BulkheadPolicy } from 'cockatiel';
import { RateLimiter } from 'limiter';

export interface RateLimitOptions {
  perSecond: number;
  maxConcurrent: number;
}

/**
 * At most `maxConcurrent` calls at once and `perSecond` starts in any second, first come first served: a
 * client that has been idle may send a second's worth at once, never more (limiter's RateLimiter is a
 * token bucket plus a per-interval allowance; a bucket alone let a full bucket plus a second's refill out
 * in the first second, 525 calls/s against a limit of 500 in the poller bench). A call first takes a slot
 * and only then a token, so every start is paced (a token taken while waiting for a slot would let a
 * burst out when slots free up).
 * Bottleneck did this before and put every job through two one-at-a-time locks, each waiting on a
 * timer: about 400 jobs/s at most whatever the limits, one job at a time at 0 ms (bench/lib/apiCeilingChild.ts).
 */
export class CallLimiter {
  private readonly slots: BulkheadPolicy;
  private readonly rate: RateLimiter;

  constructor(options: RateLimitOptions) {
    this.slots = bulkhead(options.maxConcurrent, Number.MAX_SAFE_INTEGER);
    this.rate = new RateLimiter({ tokensPerInterval: options.perSecond, interval: 'second' });
  }

  schedule<T>(fn: () => Promise<T>): Promise<T> {
    return this.slots.execute(async () => {
      await this.rate.removeTokens(1);
      return fn();
    });
  }
}
