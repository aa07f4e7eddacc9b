import { randomBytes } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';

// Opaque random tokens with real lifetimes: an adapter that never refreshes must see 401s.
// Expiry uses the test process's time (not the skewed CRM clock): clock offset faults affect
// the timestamps the CRM writes, not whether a token is still valid.

interface Session {
  accessToken: string;
  refreshToken: string;
  accessExpiresMs: number;
  refreshExpiresMs: number;
  username: string;
}

export interface TokenPair {
  expiresAt: string;
  accessToken: string;
  refreshToken: string;
}

export class CrmTokens {
  private byAccess = new Map<string, Session>();
  private byRefresh = new Map<string, Session>();

  constructor(
    public tokenTtlMs: number,
    public refreshTtlMs: number,
  ) {}

  private issue(username: string): TokenPair {
    const now = Date.now();
    const s: Session = {
      accessToken: randomBytes(32).toString('base64url'),
      refreshToken: randomBytes(32).toString('base64url'),
      accessExpiresMs: now + this.tokenTtlMs,
      refreshExpiresMs: now + this.refreshTtlMs,
      username,
    };
    this.byAccess.set(s.accessToken, s);
    this.byRefresh.set(s.refreshToken, s);
    return {
      expiresAt: new Date(s.accessExpiresMs).toISOString(),
      accessToken: s.accessToken,
      refreshToken: s.refreshToken,
    };
  }

  login(username: string): TokenPair {
    return this.issue(username);
  }

  /** Refresh tokens are single use (rotated), as in most OAuth-style servers. */
  refresh(refreshToken: string): TokenPair | undefined {
    const s = this.byRefresh.get(refreshToken);
    if (!s || s.refreshExpiresMs <= Date.now()) return undefined;
    this.byRefresh.delete(refreshToken);
    this.byAccess.delete(s.accessToken);
    return this.issue(s.username);
  }

  valid(accessToken: string): boolean {
    const s = this.byAccess.get(accessToken);
    if (!s) return false;
    if (s.accessExpiresMs <= Date.now()) {
      this.byAccess.delete(accessToken);
      return false;
    }
    return true;
  }

  /** Invalidates every access and refresh token; returns how many sessions were dropped. */
  expireAll(): number {
    const n = this.byRefresh.size;
    this.byAccess.clear();
    this.byRefresh.clear();
    return n;
  }

  middleware() {
    return (req: Request, res: Response, next: NextFunction): void => {
      const h = req.get('authorization') ?? '';
      const m = /^Bearer (.+)$/.exec(h);
      if (m?.[1] && this.valid(m[1])) return next();
      const error = m ? 'error="invalid_token", error_description="The token is expired or invalid"' : '';
      res
        .status(401)
        .set('WWW-Authenticate', `Bearer${error ? ' ' + error : ''}`)
        .end();
    };
  }
}
