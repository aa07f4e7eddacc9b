import type { NextFunction, Request, Response } from 'express';
import { sessionMatches } from './session';
import { sameSecret } from './tokens';

/** Bearer token check in constant time. */
export function tokenMatches(header: string | undefined, token: string): boolean {
  const m = /^Bearer (.+)$/.exec(header ?? '');
  return sameSecret(m?.[1] ?? '', token);
}

export interface ApiTokens {
  read: string | undefined;
  operator: string | undefined;
}

/** Both tokens are always compared, so the time taken does not tell which one was given. */
export function grantsRead(req: Request, tokens: ApiTokens): boolean {
  const header = req.headers.authorization;
  let ok = false;
  for (const t of [tokens.read, tokens.operator]) {
    if (!t) continue;
    if (tokenMatches(header, t)) ok = true;
    if (sessionMatches(req.headers.cookie, t)) ok = true;
  }
  return ok;
}

/** Every /api route: the read token, the operator token, or the dashboard's session cookie. */
export function readAuth(tokens: ApiTokens) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (grantsRead(req, tokens)) return next();
    res.setHeader('WWW-Authenticate', 'Bearer realm="siaghsync-read"');
    res.status(401).json({
      error: 'unauthorized',
      message:
        'the read API needs Authorization: Bearer <PROJECTOR_READ_TOKEN> (or the operator token); the dashboard signs in through the link npm start prints (/?token=...)',
    });
  };
}

/**
 * Operator routes take the operator token in the Authorization header only: the dashboard's cookie
 * never acts (a cookie is sent by the browser on its own; a header is sent by the page's code).
 */
export function operatorAuth(tokens: ApiTokens) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const token = tokens.operator;
    if (!token) {
      res.status(503).json({
        error: 'operator-actions-disabled',
        message:
          'OPERATOR_TOKEN is not set on this projector, so operator actions are off. Set it (16+ characters) and restart.',
      });
      return;
    }
    if (tokenMatches(req.headers.authorization, token)) return next();
    if (tokens.read && tokenMatches(req.headers.authorization, tokens.read)) {
      res.status(403).json({
        error: 'forbidden',
        message: 'the read token cannot act: operator actions need Authorization: Bearer <OPERATOR_TOKEN>',
      });
      return;
    }
    res.setHeader('WWW-Authenticate', 'Bearer realm="siaghsync-operator"');
    res.status(401).json({
      error: 'unauthorized',
      message: 'operator actions need Authorization: Bearer <OPERATOR_TOKEN>',
    });
  };
}
