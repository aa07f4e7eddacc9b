import type { RequestHandler } from 'express';
import { newCorrelationId } from '@siaghsync/shared/logger';

// The id that ties this request's log lines to the event it produced and to everything downstream.
// A caller's id is kept if it looks like an id (so a sender can trace its own deliveries); anything
// else (too long, odd characters, several headers) is replaced rather than logged or echoed.

const SANE_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{7,127}$/;

export function saneCorrelationId(header: string | string[] | undefined): string | undefined {
  return typeof header === 'string' && SANE_ID.test(header) ? header : undefined;
}

export const correlation: RequestHandler = (req, res, next) => {
  const id = saneCorrelationId(req.headers['x-correlation-id']) ?? newCorrelationId();
  res.locals.correlationId = id;
  res.setHeader('X-Correlation-Id', id);
  next();
};
