import { unguarded } from '@siaghsync/shared/http/callGuard';

/**
 * One list read shared by every caller it is fresh enough for: a caller asks for a read begun at or
 * after `need`; the latest one serves if it is (and is not older than `maxAgeMs`), one already under way
 * serves if it began late enough, else a new one starts, at most one at a time and no sooner than
 * `minIntervalMs` after the previous one began (so a stream of events costs a read every interval, not
 * one each, and the target's rate limit is left to the writes). A list that takes long to read (a GetAll
 * of 100,000 contacts, 200 pages of the CRM's identities) is read less often: no sooner than its last
 * duration divided by `budget` (the share of time list reads may take), and kept serving twice that long.
 */
export interface Taken<T> {
  startedAt: number;
  value: T;
}

export interface SharedReadOptions<T> {
  load: () => Promise<T>;
  now: () => number;
  minIntervalMs: number;
  maxAgeMs: number;
  /** 0..1: the share of time reads of this list may take (unset: minIntervalMs alone). */
  budget?: number;
}

export class SharedRead<T> {
  private latest: Taken<T> | undefined;
  private inFlight: { startedAt: number; done: Promise<Taken<T>> } | undefined;
  private lastStart = -Infinity;
  private lastDurationMs = 0;

  constructor(private readonly o: SharedReadOptions<T>) {}

  /** How soon after one read the next may begin. */
  get intervalMs(): number {
    const b = this.o.budget;
    return Math.max(this.o.minIntervalMs, b && b > 0 ? this.lastDurationMs / b : 0);
  }

  private get maxAgeMs(): number {
    return Math.max(this.o.maxAgeMs, 2 * this.intervalMs);
  }

  async atLeast(need: number): Promise<Taken<T>> {
    for (;;) {
      const now = this.o.now();
      // A read that must begin later than now: nothing made before then can serve.
      if (need > now && !(this.inFlight && this.inFlight.startedAt >= need)) {
        await new Promise((r) => setTimeout(r, need - now));
        continue;
      }
      const l = this.latest;
      if (l && l.startedAt >= need && now - l.startedAt <= this.maxAgeMs) return l;
      const f = this.inFlight;
      if (f) {
        // A failure fails this caller's attempt (a transient error: it is retried with backoff).
        const got = await f.done;
        if (got.startedAt >= need) return got;
        continue; // begun too early for this caller
      }
      const wait = this.lastStart + this.intervalMs - now;
      if (wait > 0) {
        await new Promise((r) => setTimeout(r, wait));
        if (this.inFlight) continue;
      }
      this.start();
    }
  }

  private start(): void {
    const startedAt = this.o.now();
    this.lastStart = startedAt;
    // Cleared in the same turn the read settles, so a caller going round never waits on it again.
    const settle = () => {
      if (this.inFlight?.startedAt === startedAt) this.inFlight = undefined;
    };
    // Under nobody's call guard: it serves every caller, whoever started it (http/callGuard.ts).
    const done = unguarded(() => this.o.load()).then(
      (value) => {
        settle();
        this.lastDurationMs = this.o.now() - startedAt;
        const taken = { startedAt, value };
        if (!this.latest || this.latest.startedAt <= startedAt) this.latest = taken;
        return taken;
      },
      (err: unknown) => {
        settle();
        throw err;
      },
    );
    // Callers that await it see the failure; nobody else must see it as unhandled.
    done.catch(() => undefined);
    this.inFlight = { startedAt, done };
  }
}
