// Login single-flight: however many calls find the session missing or expired at once, one login
// request goes out and they all wait for it. A 401 invalidates only the session that got it, so a burst
// of 401s from calls that shared one stale session still causes a single re-login.

import { SyncError } from '../errors';
import { unguarded } from './callGuard';

export interface Session<S> {
  value: S;
  /** Epoch ms after which the session must not be used; undefined when the server does not say. */
  expiresAtMs?: number | undefined;
}

export class SingleFlightSession<S> {
  private current: Session<S> | undefined;
  private inflight: Promise<Session<S>> | undefined;

  constructor(
    private readonly login: () => Promise<Session<S>>,
    /** Renew this long before the server's expiry, so a request never leaves with a dying token. */
    private readonly marginMs = 30_000,
    private readonly now: () => number = Date.now,
  ) {}

  private fresh(s: Session<S> | undefined): s is Session<S> {
    return s !== undefined && (s.expiresAtMs === undefined || s.expiresAtMs - this.marginMs > this.now());
  }

  /** A usable session, logging in (once for all concurrent callers) when needed. */
  async get(): Promise<S> {
    if (this.fresh(this.current)) return this.current.value;
    // Under nobody's call guard: the session serves every caller, whoever needed it first (callGuard.ts).
    this.inflight ??= unguarded(() => this.login()).then(
      (s) => {
        this.current = s;
        this.inflight = undefined;
        return s;
      },
      (e: unknown) => {
        this.inflight = undefined;
        throw e;
      },
    );
    return (await this.inflight).value;
  }

  /** Forget `stale` (only if it is still the current one: a newer login must survive an old 401). */
  invalidate(stale: S): void {
    if (this.current?.value === stale) this.current = undefined;
  }

  /** The session data of the last login, if any (Siagh's FiscalYear lives there). */
  peek(): S | undefined {
    return this.current?.value;
  }

  /**
   * Runs `fn` with a session. On a 401 (the session died on the server before its announced expiry)
   * logs in again and retries exactly once; a second 401 goes to the caller.
   */
  async run<T>(fn: (session: S) => Promise<T>, isExpired: (e: SyncError) => boolean): Promise<T> {
    const session = await this.get();
    try {
      return await fn(session);
    } catch (e) {
      if (!(e instanceof SyncError) || !isExpired(e)) throw e;
      this.invalidate(session);
      return fn(await this.get());
    }
  }
}
