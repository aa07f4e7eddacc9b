import { createHmac } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { ApiTokens } from './auth';
import { sameSecret } from './tokens';

export const SESSION_COOKIE = 'siaghsync_session';
/** A working day: a dashboard left open overnight signs in again through the link. */
const SESSION_MAX_AGE_MS = 12 * 3_600_000;

/**
 * The cookie holds a value derived from the token, never the token: a cookie read off a disk or a
 * proxy log is no bearer token for syncctl or scripts. Changing the token ends every session.
 */
export const sessionValue = (token: string): string =>
  createHmac('sha256', token).update('siaghsync-dashboard-session-v1').digest('base64url');

/** One cookie's value from a Cookie header. */
export function cookieOf(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

export function sessionMatches(cookieHeader: string | undefined, token: string): boolean {
  return sameSecret(cookieOf(cookieHeader, SESSION_COOKIE) ?? '', sessionValue(token));
}

/**
 * `/?token=<read or operator token>`, the link npm start prints: sets the session cookie and sends the
 * browser to `/` so the token leaves the address bar and the history. HttpOnly keeps it from the
 * page's scripts; SameSite=Strict keeps other sites' pages from sending it.
 */
export function dashboardSignIn(tokens: ApiTokens) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const given = req.query.token;
    if (given === undefined) return next();
    let token: string | undefined;
    for (const t of [tokens.read, tokens.operator])
      if (t && typeof given === 'string' && sameSecret(given, t)) token = t;
    if (!token) {
      res.status(401).json({
        error: 'unauthorized',
        message: "the token in this link is not this projector's PROJECTOR_READ_TOKEN or OPERATOR_TOKEN",
      });
      return;
    }
    res.cookie(SESSION_COOKIE, sessionValue(token), {
      httpOnly: true,
      sameSite: 'strict',
      secure: req.secure,
      path: '/',
      maxAge: SESSION_MAX_AGE_MS,
    });
    res.redirect(303, '/');
  };
}
