import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { addressKey } from './addressKey';
import { HttpError } from './errors';

// Two limits, both applied only AFTER the credential has been checked.
// Per authenticated SOURCE (the CRM, each signed sender): strangers cannot spend the real CRM's budget.
// Per client ADDRESS, on failed authentication only: a guesser is slowed to 429s, while a request
// with a valid credential from that same address is served. Behind a proxy every caller shares one
// address, so refusing the address outright would let 30 wrong guesses a minute from anyone lock the
// real CRM out. Serving a valid credential during a lockout tells a guesser nothing it could not learn
// without the lockout; what keeps guessing hopeless is the secret's size (>= 16 of 66 characters,
// ~96 bits; HMAC keys >= 128 bits), the lockout only bounds how much of our time a guesser gets.

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

  /**
   * Counts a failed authentication against the client's address (IPv4 address, IPv6 /64) and returns
   * the answer to send: `refusal` while the address is within its budget, 429 + Retry-After beyond it.
   */
  async authenticationFailed(ip: string | undefined, refusal: HttpError): Promise<HttpError> {
    try {
      await this.authFailures.consume(addressKey(ip));
      return refusal;
    } catch (err) {
      if (!(err instanceof RateLimiterRes)) throw err;
      return tooMany(err, 'TOO_MANY_AUTH_FAILURES', 'too many failed authentications from this address');
    }
  }
}

function tooMany(err: unknown, code: 'RATE_LIMITED' | 'TOO_MANY_AUTH_FAILURES', message: string): HttpError {
  const ms = err instanceof RateLimiterRes ? err.msBeforeNext : 1000;
  return new HttpError(429, code, message, { retryAfterS: Math.max(1, Math.ceil(ms / 1000)) });
}
