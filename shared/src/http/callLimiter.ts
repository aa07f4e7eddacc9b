import { bulkhead, type BulkheadPolicy } from 'cockatiel';
import { TokenBucket } from 'limiter';

export interface RateLimitOptions {
  perSecond: number;
  burst: number;
  maxConcurrent: number;
}

/**
 * At most `maxConcurrent` calls at once and `perSecond` starts per second, with bursts of `burst`,
 * first come first served. A call first takes a slot and only then a token, so every start is paced by
 * the bucket (a token taken while waiting for a slot would let a burst out when slots free up).
 * Bottleneck did this before and put every job through two one-at-a-time locks, each waiting on a
 * timer: about 400 jobs/s at most whatever the limits, one job at a time at 0 ms (bench/lib/apiCeilingChild.ts).
 */
export class CallLimiter {
  private readonly slots: BulkheadPolicy;
  private readonly bucket: TokenBucket;

  constructor(options: RateLimitOptions) {
    this.slots = bulkhead(options.maxConcurrent, Number.MAX_SAFE_INTEGER);
    this.bucket = new TokenBucket({
      bucketSize: options.burst,
      tokensPerInterval: options.perSecond,
      interval: 'second',
    });
    // A new bucket starts empty; a client that has sent nothing yet may send its burst at once.
    this.bucket.content = options.burst;
  }

  schedule<T>(fn: () => Promise<T>): Promise<T> {
    return this.slots.execute(async () => {
      await this.bucket.removeTokens(1);
      return fn();
    });
  }
}
