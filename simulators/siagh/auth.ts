import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';

// Siagh sessions: the SessionId itself is the Authorization header (no scheme). Sliding expiry:
// each authorised call extends the session, as ASP.NET session state does.

export function md5Upper(s: string): string {
  return createHash('md5').update(s, 'utf8').digest('hex').toUpperCase();
}

interface Session {
  sessionId: string;
  token: string;
  userName: string;
  expiresMs: number;
}

export const DENIED = { Message: 'Authorization has been denied for this request.' };

export class SiaghSessions {
  private sessions = new Map<string, Session>();

  constructor(public sessionTtlMs: number) {}

  open(userName: string): Session {
    const s: Session = {
      sessionId: randomUUID().toUpperCase(),
      token: randomBytes(24).toString('base64'),
      userName,
      expiresMs: Date.now() + this.sessionTtlMs,
    };
    this.sessions.set(s.sessionId, s);
    return s;
  }

  touch(sessionId: string): boolean {
    const s = this.sessions.get(sessionId);
    if (!s) return false;
    const now = Date.now();
    if (s.expiresMs <= now) {
      this.sessions.delete(sessionId);
      return false;
    }
    s.expiresMs = now + this.sessionTtlMs;
    return true;
  }

  expireAll(): number {
    const n = this.sessions.size;
    this.sessions.clear();
    return n;
  }

  middleware() {
    return (req: Request, res: Response, next: NextFunction): void => {
      // "Bearer <id>" is not stripped: it is simply an unknown session, hence 401.
      const h = req.get('authorization') ?? '';
      if (h && this.touch(h)) return next();
      res.status(401).json(DENIED);
    };
  }
}
