import { z } from 'zod';
import type { NextFunction, Request, Response } from 'express';
import { createRng, type Rng } from './rng';
import type { SimClock } from './clock';

// Faults are injected in front of the real routes, so an adapter sees exactly what a sick
// production system would send. Every random decision comes from a seeded stream: a failing
// run replays with the same seed and the same sequence of requests.

export const latencySchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('none') }).strict(),
  z.object({ kind: z.literal('fixed'), ms: z.number().nonnegative() }).strict(),
  z
    .object({ kind: z.literal('uniform'), minMs: z.number().nonnegative(), maxMs: z.number().nonnegative() })
    .strict(),
  // Log-normal: most calls near the median, a few far out (p99), like a loaded server.
  z
    .object({ kind: z.literal('longTail'), medianMs: z.number().positive(), p99Ms: z.number().positive() })
    .strict(),
]);

const retryAfterSchema = z.enum(['seconds', 'http-date']);

/** One scripted answer, consumed in order by the next matching requests (deterministic tests). */
export const scriptedFaultSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('status'), status: z.number().int().min(400).max(599) }).strict(),
  z
    .object({
      kind: z.literal('rateLimit'),
      retryAfterSeconds: z.number().int().nonnegative().default(1),
      retryAfterFormat: retryAfterSchema.default('seconds'),
    })
    .strict(),
  z.object({ kind: z.literal('reset') }).strict(),
  z.object({ kind: z.literal('delay'), ms: z.number().nonnegative() }).strict(),
  // The request is carried out at once and its answer sent `ms` later: a write that landed while its
  // caller waits (a slow link, a paused client), the case a lost or late answer must survive.
  z.object({ kind: z.literal('holdAnswer'), ms: z.number().nonnegative() }).strict(),
]);

export const faultConfigSchema = z
  .object({
    seed: z.number().int().default(1),
    /** Only requests whose path starts with one of these are affected (default: all API paths). */
    paths: z.array(z.string()).default([]),
    latency: latencySchema.default({ kind: 'none' }),
    errorRate: z.number().min(0).max(1).default(0),
    errorStatuses: z.array(z.number().int().min(500).max(599)).nonempty().default([500, 502, 503]),
    rateLimitRate: z.number().min(0).max(1).default(0),
    retryAfterSeconds: z.number().int().nonnegative().default(1),
    retryAfterFormat: retryAfterSchema.default('seconds'),
    resetRate: z.number().min(0).max(1).default(0),
    script: z.array(scriptedFaultSchema).default([]),
  })
  .strict();

export type FaultConfig = z.infer<typeof faultConfigSchema>;
export type FaultConfigInput = z.input<typeof faultConfigSchema>;
export type LatencyConfig = z.infer<typeof latencySchema>;

export type FaultKind = 'latency' | 'error' | 'rateLimit' | 'reset';

export function sampleLatency(l: LatencyConfig, rng: Rng): number {
  switch (l.kind) {
    case 'none':
      return 0;
    case 'fixed':
      return l.ms;
    case 'uniform':
      return l.minMs + rng.next() * Math.max(0, l.maxMs - l.minMs);
    case 'longTail': {
      // ln X ~ N(mu, sigma): median e^mu, p99 = e^(mu + 2.326 sigma).
      const mu = Math.log(l.medianMs);
      const sigma = Math.max(0, (Math.log(Math.max(l.p99Ms, l.medianMs)) - mu) / 2.326);
      const u1 = Math.max(rng.next(), 1e-12);
      const u2 = rng.next();
      const normal = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
      return Math.exp(mu + sigma * normal);
    }
  }
}

export function retryAfterValue(seconds: number, format: 'seconds' | 'http-date', clock: SimClock): string {
  if (format === 'seconds') return String(seconds);
  // An HTTP date has a one-second resolution: round up so a client that waits until then never comes early.
  return new Date(Math.ceil((clock.now().getTime() + seconds * 1000) / 1000) * 1000).toUTCString();
}

/** Lets the route answer as usual but sends what it wrote `ms` later (or never, if the client has gone). */
function holdAnswer(res: Response, ms: number): void {
  const end = res.end.bind(res) as (...args: unknown[]) => Response;
  res.end = ((...args: unknown[]) => {
    // Unref'd: a held answer never keeps a simulator that is being closed alive.
    setTimeout(() => {
      if (!res.socket?.destroyed) end(...args);
    }, ms).unref();
    return res;
  }) as Response['end'];
}

export class FaultInjector {
  private cfg: FaultConfig;
  private rng: Rng;

  constructor(
    input: FaultConfigInput | undefined,
    private readonly clock: SimClock,
    /** Paths never affected (the admin API). */
    private readonly exemptPrefix = '/_sim',
  ) {
    this.cfg = faultConfigSchema.parse(input ?? {});
    this.rng = createRng(this.cfg.seed);
  }

  get config(): FaultConfig {
    return this.cfg;
  }

  /** Replaces the whole configuration and restarts the seeded stream. */
  set(input: FaultConfigInput): FaultConfig {
    this.cfg = faultConfigSchema.parse(input);
    this.rng = createRng(this.cfg.seed);
    return this.cfg;
  }

  /** Merges into the current configuration (the seeded stream continues). */
  patch(input: Partial<FaultConfigInput>): FaultConfig {
    this.cfg = faultConfigSchema.parse({ ...this.cfg, ...input });
    return this.cfg;
  }

  private applies(path: string): boolean {
    if (path.startsWith(this.exemptPrefix)) return false;
    return this.cfg.paths.length === 0 || this.cfg.paths.some((p) => path.startsWith(p));
  }

  middleware() {
    return (req: Request, res: Response, next: NextFunction): void => {
      if (!this.applies(req.path)) return next();
      void this.handle(req, res, next);
    };
  }

  private async handle(req: Request, res: Response, next: NextFunction): Promise<void> {
    const scripted = this.cfg.script.shift();
    const delay = scripted?.kind === 'delay' ? scripted.ms : sampleLatency(this.cfg.latency, this.rng);
    if (delay > 0) {
      res.locals.fault = 'latency';
      await new Promise((r) => setTimeout(r, delay));
    }
    // Decide everything from the stream in a fixed order, so one request always draws the same numbers.
    const reset = this.rng.chance(this.cfg.resetRate);
    const limited = this.rng.chance(this.cfg.rateLimitRate);
    const failed = this.rng.chance(this.cfg.errorRate);
    const status = this.rng.pick(this.cfg.errorStatuses);

    if (scripted?.kind === 'reset' || (!scripted && reset)) {
      res.locals.fault = 'reset';
      req.socket.destroy();
      return;
    }
    if (scripted?.kind === 'rateLimit' || (!scripted && limited)) {
      const seconds =
        scripted?.kind === 'rateLimit' ? scripted.retryAfterSeconds : this.cfg.retryAfterSeconds;
      const format = scripted?.kind === 'rateLimit' ? scripted.retryAfterFormat : this.cfg.retryAfterFormat;
      res.locals.fault = 'rateLimit';
      res
        .status(429)
        .set('Retry-After', retryAfterValue(seconds, format, this.clock))
        .json({ Message: 'Too Many Requests' });
      return;
    }
    if (scripted?.kind === 'holdAnswer') {
      res.locals.fault = 'heldAnswer';
      holdAnswer(res, scripted.ms);
      next();
      return;
    }
    if (scripted?.kind === 'status' || (!scripted && failed)) {
      res.locals.fault = 'error';
      const code = scripted?.kind === 'status' ? scripted.status : status;
      res.status(code).type('text/html').send(`<html><body><h1>${code} Server Error</h1></body></html>`);
      return;
    }
    next();
  }
}
