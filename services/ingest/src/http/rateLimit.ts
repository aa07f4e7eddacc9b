import type { RequestHandler } from 'express';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { HttpError } from './errors';

// Two limits. Per authenticated SOURCE (the CRM, each signed sender): applied after authentication,
// so strangers cannot spend the real CRM's budget and get its notifications refused. Per client
// ADDRESS on failed authentication only: a guesser is slowed to a trickle without touching anyone else.

export class Limits {
  private readonly perSource: RateLimiterMemory;
  private readonly authFailures: RateLimiterMemory;

  constructor(opts: { points: number; windowMs: number; authFailuresPerMinute: number }) {
    this.perSource = new RateLimiterMemory({
      keyPrefix: 'source',
      points: opts.points,
      duration: opts.windowMs / 1000,
    });
    this.authFailures = new RateLimiterMemory({
      keyPrefix: 'authfail',
      points: opts.authFailuresPerMinute,
      duration: 60,
      blockDuration: 60,
    });
  }

  /** Throws 429 if `source` is over its budget; counts this request otherwise. */
  async consumeSource(source: string): Promise<void> {
    try {
      await this.perSource.consume(source);
    } catch (err) {
      throw tooMany(err, 'RATE_LIMITED', 'too many requests from this source');
    }
  }

  /** Refuses an address that failed authentication too often, before any work is done for it. */
  guardAddress(): RequestHandler {
    return (req, _res, next) => {
      this.authFailures
        .get(req.ip ?? 'unknown')
        .then((r) => {
          if (r && r.remainingPoints <= 0) {
            next(tooMany(r, 'TOO_MANY_AUTH_FAILURES', 'too many failed authentications from this address'));
          } else next();
        })
        .catch(next);
    };
  }

  async recordAuthFailure(ip: string | undefined): Promise<void> {
    // Rejection = now blocked; the next request is refused by guardAddress.
    await this.authFailures.consume(ip ?? 'unknown').catch(() => undefined);
  }
}

function tooMany(err: unknown, code: 'RATE_LIMITED' | 'TOO_MANY_AUTH_FAILURES', message: string): HttpError {
  const ms = err instanceof RateLimiterRes ? err.msBeforeNext : 1000;
  return new HttpError(429, code, message, { retryAfterS: Math.max(1, Math.ceil(ms / 1000)) });
}
