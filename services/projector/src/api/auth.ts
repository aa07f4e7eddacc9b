import { createHash, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

/** Bearer token check in constant time (hashing first equalizes the lengths timingSafeEqual needs). */
export function tokenMatches(header: string | undefined, token: string): boolean {
  const m = /^Bearer (.+)$/.exec(header ?? '');
  const given = m?.[1] ?? '';
  return timingSafeEqual(digest(given), digest(token)) && given.length > 0;
}

export function operatorAuth(token: string | undefined) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (!token) {
      res.status(503).json({
        error: 'operator-actions-disabled',
        message:
          'OPERATOR_TOKEN is not set on this projector, so operator actions are off. Set it (16+ characters) and restart.',
      });
      return;
    }
    if (!tokenMatches(req.headers.authorization, token)) {
      res.setHeader('WWW-Authenticate', 'Bearer realm="siaghsync-operator"');
      res.status(401).json({
        error: 'unauthorized',
        message: 'operator actions need Authorization: Bearer <OPERATOR_TOKEN>',
      });
      return;
    }
    next();
  };
}
