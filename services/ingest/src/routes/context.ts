import type { RequestHandler } from 'express';
import type { IngestHttpConfig } from '../config';
import type { IngestMetrics } from '../metrics';
import type { Publisher } from '../publisher';
import type { Limits } from '../http/rateLimit';

/** What every webhook route gets from the app factory. */
export interface RouteContext {
  config: IngestHttpConfig;
  publisher: Publisher;
  metrics: IngestMetrics;
  limits: Limits;
  now: () => number;
}

/** Names the route for metrics and logs; HEAD never reaches a webhook handler (it must not produce). */
export const routeName =
  (name: string): RequestHandler =>
  (req, res, next) => {
    if (req.method === 'HEAD') return next('route');
    res.locals.route = name;
    next();
  };

/** Express 4-style async handlers: a rejected promise goes to the error handler. */
export const wrap =
  (fn: (...args: Parameters<RequestHandler>) => Promise<void>): RequestHandler =>
  (req, res, next) => {
    fn(req, res, next).catch(next);
  };

/** True when the request carries a body (a Content-Length of 0 does not count). */
export function hasBody(headers: {
  'content-length'?: string | undefined;
  'transfer-encoding'?: string | undefined;
}): boolean {
  if (headers['transfer-encoding'] !== undefined) return true;
  const len = headers['content-length'];
  return len !== undefined && len !== '0';
}
