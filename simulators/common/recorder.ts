import { performance } from 'node:perf_hooks';
import type { NextFunction, Request, Response } from 'express';

// Tests assert on what the pipeline actually sent (no duplicate create, Retry-After honoured),
// so every API call is kept with its body and outcome. Bounded, so a long benchmark cannot exhaust memory.

export interface RecordedCall {
  seq: number;
  /** Wall time of arrival (test-process time, not the simulated system's skewed clock). */
  time: string;
  timeMs: number;
  /**
   * The same moment with sub-millisecond precision (performance.timeOrigin + performance.now()), so a
   * benchmark in another process on this machine can time a few-millisecond pipeline against it.
   */
  preciseTimeMs: number;
  method: string;
  path: string;
  query: Record<string, unknown>;
  body: unknown;
  /** HTTP status sent, or 0 when the connection was reset. */
  status: number;
  durationMs: number;
  fault?: string;
}

export interface CallFilter {
  path?: string;
  method?: string;
  since?: number;
}

export class CallRecorder {
  private calls: RecordedCall[] = [];
  private seq = 0;

  constructor(
    private readonly maxCalls = 100_000,
    private readonly exemptPrefix = '/_sim',
  ) {}

  middleware() {
    return (req: Request, res: Response, next: NextFunction): void => {
      if (req.path.startsWith(this.exemptPrefix)) return next();
      const precise = preciseNow();
      const start = Date.now();
      const call: RecordedCall = {
        seq: ++this.seq,
        time: new Date(start).toISOString(),
        timeMs: start,
        preciseTimeMs: precise,
        method: req.method,
        path: req.path,
        query: { ...(req.query as Record<string, unknown>) },
        body: null,
        status: 0,
        durationMs: 0,
      };
      this.push(call);
      let done = false;
      const finish = () => {
        if (done) return;
        done = true;
        call.body = (req.body as unknown) ?? null;
        call.status = res.headersSent ? res.statusCode : 0;
        call.durationMs = Date.now() - start;
        const fault = (res.locals as { fault?: string }).fault;
        if (fault) call.fault = fault;
      };
      res.on('finish', finish);
      res.on('close', finish);
      next();
    };
  }

  /**
   * Trimmed to the newest `maxCalls` only once a quarter more has piled up: trimming on every call moved
   * the whole array each time, which at 100,000 kept calls was a quarter of the CRM simulator's CPU in a
   * 100,000-a-side import.
   */
  private push(call: RecordedCall): void {
    this.calls.push(call);
    if (this.calls.length > this.maxCalls + Math.max(1, this.maxCalls >> 2)) this.trim();
  }

  private trim(): void {
    if (this.calls.length > this.maxCalls) this.calls.splice(0, this.calls.length - this.maxCalls);
  }

  /** The newest `maxCalls` calls that match, oldest first. */
  list(filter: CallFilter = {}): RecordedCall[] {
    this.trim();
    return this.calls.filter(
      (c) =>
        (filter.path === undefined || c.path === filter.path || c.path.startsWith(filter.path)) &&
        (filter.method === undefined || c.method === filter.method.toUpperCase()) &&
        (filter.since === undefined || c.seq > filter.since),
    );
  }

  reset(): void {
    this.calls = [];
  }
}

/** Wall-clock milliseconds with sub-millisecond precision, comparable between processes of one machine. */
export function preciseNow(): number {
  return performance.timeOrigin + performance.now();
}
