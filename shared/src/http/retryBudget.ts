// A retry budget (the gRPC / Finagle idea): every request deposits a fraction of a token, every retry
// spends a whole one. While a target is healthy the budget is always full; when it is down, retries
// are capped at `ratio` of the traffic instead of multiplying the load on a system that is already
// failing. `minPerSecond` keeps a trickle of retries possible for low-traffic clients.

export interface RetryBudgetOptions {
  /** Retries allowed per request, on average (0.2 = at most one retry per five requests). */
  ratio: number;
  /** Retries always allowed per second regardless of traffic. */
  minPerSecond: number;
  /** Most tokens that can be saved up. */
  max: number;
}

export class RetryBudget {
  private tokens: number;
  private lastRefill: number;

  constructor(
    private readonly options: RetryBudgetOptions = { ratio: 0.2, minPerSecond: 5, max: 100 },
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = options.max;
    this.lastRefill = now();
  }

  private refill(): void {
    const t = this.now();
    const elapsedS = Math.max(0, t - this.lastRefill) / 1000;
    this.lastRefill = t;
    this.tokens = Math.min(this.options.max, this.tokens + elapsedS * this.options.minPerSecond);
  }

  /** Called once per original request. */
  deposit(): void {
    this.refill();
    this.tokens = Math.min(this.options.max, this.tokens + this.options.ratio);
  }

  /** Called before each retry; false means the budget is spent and the error goes to the caller. */
  tryWithdraw(): boolean {
    this.refill();
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  get available(): number {
    this.refill();
    return this.tokens;
  }
}
