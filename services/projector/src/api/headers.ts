import type { NextFunction, Request, Response } from 'express';

/**
 * The dashboard loads its script and style from files of its own origin, so the policy allows nothing
 * inline and nothing from elsewhere: an injected value that slipped past textContent still cannot run.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

/** On every response, errors and probes included. */
export function securityHeaders(_req: Request, res: Response, next: NextFunction): void {
  res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
  // Customer records must not stay in a browser's or a proxy's cache; the dashboard's own files
  // override it (they hold no data).
  res.setHeader('Cache-Control', 'no-store');
  next();
}
