// How often to poll Siagh. Siagh sends no webhooks, so a Siagh edit waits for the next GetAll; every
// GetAll costs the Siagh server a full read of its contacts. The interval is therefore set from what a
// GetAll is measured to cost against the share of the server's time the operator grants the poller
// (POLLER_SIAGH_LOAD_BUDGET): polling every cost/budget keeps the poller at that share, so the demo's
// few thousand contacts are polled every few seconds and 100,000 as often as the server can bear.
// A fixed POLLER_SIAGH_INTERVAL_MS overrides it. Pure: no clock, no I/O.

export interface IntervalPolicy {
  /** A fixed interval set by the operator; undefined = adaptive. */
  fixedMs: number | undefined;
  /** Share of the Siagh server's time a poll may take, 0 < budget <= 1. */
  budget: number;
  minMs: number;
  maxMs: number;
}

export interface IntervalChoice {
  /** Wait from the end of one sweep to the start of the next. */
  ms: number;
  /** Why: for `syncctl status` and /ready. */
  reason: string;
}

/** Median of the last few GetAll durations: one slow call (a GC pause, a busy server) does not set it. */
export function typicalCost(samplesMs: readonly number[]): number | undefined {
  if (samplesMs.length === 0) return undefined;
  const s = [...samplesMs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

export function chooseInterval(policy: IntervalPolicy, samplesMs: readonly number[]): IntervalChoice {
  if (policy.fixedMs !== undefined)
    return { ms: policy.fixedMs, reason: 'fixed by POLLER_SIAGH_INTERVAL_MS' };
  const cost = typicalCost(samplesMs);
  if (cost === undefined) return { ms: policy.minMs, reason: 'no GetAll measured yet: the minimum' };
  // A period of cost/budget of which the GetAll itself takes `cost`.
  const wanted = cost / policy.budget - cost;
  const ms = Math.round(Math.min(policy.maxMs, Math.max(policy.minMs, wanted)));
  const share = `GetAll takes ${Math.round(cost)} ms (median of ${samplesMs.length}); budget ${pct(policy.budget)} of Siagh's time`;
  if (ms === policy.minMs && wanted < policy.minMs)
    return { ms, reason: `${share}: the minimum interval ${policy.minMs} ms keeps it under budget` };
  if (ms === policy.maxMs && wanted > policy.maxMs)
    return { ms, reason: `${share}: capped at the maximum interval ${policy.maxMs} ms (over budget)` };
  return { ms, reason: `${share}: every ${ms} ms` };
}

const pct = (x: number) => `${Math.round(x * 1000) / 10}%`;

/** The last `keep` GetAll durations. */
export class CostSamples {
  private readonly samples: number[] = [];
  constructor(private readonly keep = 5) {}
  add(ms: number): void {
    this.samples.push(ms);
    if (this.samples.length > this.keep) this.samples.shift();
  }
  get values(): readonly number[] {
    return this.samples;
  }
}
