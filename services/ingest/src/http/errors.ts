import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import type { IngestMetrics } from '../metrics';

// Every refusal is `{error: {code, message, field?}}` with a stable code and a message we wrote:
// nothing of the request is reflected, so no escaping question can arise.

export type RejectCode =
  | 'NOT_FOUND'
  | 'INVALID_INPUT'
  | 'INVALID_JSON'
  | 'AMBIGUOUS_INPUT'
  | 'UNAUTHORIZED'
  | 'SIGNATURE_MISSING'
  | 'SIGNATURE_INVALID'
  | 'TIMESTAMP_OUT_OF_TOLERANCE'
  | 'SOURCE_NOT_ALLOWED'
  | 'WEBHOOK_IN_FLIGHT'
  | 'WEBHOOK_ID_REUSED'
  | 'BODY_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'RATE_LIMITED'
  | 'TOO_MANY_AUTH_FAILURES'
  | 'KAFKA_UNAVAILABLE'
  | 'NOT_READY'
  | 'OVERLOADED'
  | 'INTERNAL';

export interface HttpErrorOptions {
  field?: string;
  retryAfterS?: number;
  /** The metric reason when it must differ from the public code (a wrong secret answers NOT_FOUND). */
  reason?: string;
}

export class HttpError extends Error {
  readonly field: string | undefined;
  readonly retryAfterS: number | undefined;
  readonly reason: string;

  constructor(
    readonly status: number,
    readonly code: RejectCode,
    message: string,
    opts: HttpErrorOptions = {},
  ) {
    super(message);
    this.name = 'HttpError';
    this.field = opts.field;
    this.retryAfterS = opts.retryAfterS;
    this.reason = opts.reason ?? code;
  }
}

/** Which route a request hit, for metrics: set by each webhook route, never derived from the URL. */
export function routeLabel(res: Response): string {
  return (res.locals.route as string | undefined) ?? 'other';
}

export function sendError(res: Response, err: HttpError, metrics?: IngestMetrics): void {
  if (res.headersSent) return;
  if (err.retryAfterS !== undefined) res.setHeader('Retry-After', String(err.retryAfterS));
  const body: { code: string; message: string; field?: string } = { code: err.code, message: err.message };
  if (err.field !== undefined) body.field = err.field;
  res.locals.rejectCode = err.reason;
  if (metrics) {
    const outcome = err.status === 503 ? 'unavailable' : 'rejected';
    metrics.requests.inc({ route: routeLabel(res), outcome });
    metrics.rejected.inc({ reason: err.reason });
  }
  res.status(err.status).json({ error: body });
}

export const notFound =
  (metrics: IngestMetrics): RequestHandler =>
  (_req, res) => {
    sendError(res, new HttpError(404, 'NOT_FOUND', 'no such route'), metrics);
  };

/** body-parser and router errors carry `type`/`status`; their messages may quote input, so they are replaced. */
function toHttpError(err: unknown): HttpError {
  if (err instanceof HttpError) return err;
  const e = err as { type?: unknown; status?: unknown };
  switch (e.type) {
    case 'entity.too.large':
      return new HttpError(413, 'BODY_TOO_LARGE', 'the body is larger than this endpoint accepts');
    case 'parameters.too.many':
      return new HttpError(413, 'BODY_TOO_LARGE', 'the form has more fields than this endpoint accepts');
    case 'entity.parse.failed':
      return new HttpError(400, 'INVALID_JSON', 'the body is not valid JSON');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE', 'unsupported content encoding or charset');
    case 'request.aborted':
    case 'request.size.invalid':
    case 'stream.encoding.set':
      return new HttpError(400, 'INVALID_INPUT', 'the body could not be read');
    default:
      break;
  }
  // e.g. a malformed %-escape in the path (express 5 answers it with status 400)
  if (typeof e.status === 'number' && e.status >= 400 && e.status < 500) {
    return new HttpError(400, 'INVALID_INPUT', 'the request is malformed');
  }
  return new HttpError(500, 'INTERNAL', 'internal error');
}

export const errorHandler =
  (metrics: IngestMetrics): ErrorRequestHandler =>
  (err: unknown, req: Request, res: Response, _next) => {
    const httpErr = toHttpError(err);
    if (httpErr.status >= 500) req.log.error({ err }, 'unhandled error');
    sendError(res, httpErr, metrics);
  };
