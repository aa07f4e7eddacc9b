import type { IncomingMessage, ServerResponse } from 'node:http';
import { pinoHttp, type HttpLogger } from 'pino-http';
import type { Logger } from '@siaghsync/shared/logger';

// Access logs. The CRM's secret travels in the URL path, so the request serializer is written out
// field by field (no params, no headers) and the path segment after /webhooks/crm/ is masked.

const MAX_URL = 300;

export function maskUrl(url: string | undefined): string {
  if (!url) return '';
  const masked = url.replace(/^(\/webhooks\/crm\/)[^/?#]*/i, '$1[redacted]');
  return masked.length > MAX_URL ? `${masked.slice(0, MAX_URL)}...` : masked;
}

interface SerializedReq {
  id?: unknown;
  method?: string;
  url?: string;
  remoteAddress?: string;
  raw?: IncomingMessage;
}

export function createHttpLogger(logger: Logger): HttpLogger {
  return pinoHttp({
    logger,
    // Same id as the X-Correlation-Id header (set by the correlation middleware before this one).
    genReqId: (_req: IncomingMessage, res: ServerResponse) =>
      (res as ServerResponse & { locals?: { correlationId?: string } }).locals?.correlationId ?? 'unknown',
    customProps: (_req: IncomingMessage, res: ServerResponse) => {
      const locals = (res as ServerResponse & { locals?: Record<string, unknown> }).locals ?? {};
      return {
        ...(locals.route !== undefined && { route: locals.route }),
        ...(locals.rejectCode !== undefined && { rejectCode: locals.rejectCode }),
        ...(locals.eventId !== undefined && { eventId: locals.eventId }),
      };
    },
    customAttributeKeys: { reqId: 'correlationId' },
    // pino-http invents an Error for every 5xx; the route already logged the real cause.
    customErrorObject: (_req, _res, err: Error, val: Record<string, unknown>) =>
      err.message.startsWith('failed with status code') ? { ...val, err: undefined } : val,
    customLogLevel: (_req, res, err) =>
      err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
    // /health and /metrics are scraped every few seconds: logging each would drown the webhooks.
    autoLogging: { ignore: (req) => req.url === '/health' || req.url === '/metrics' },
    serializers: {
      req: (req: SerializedReq) => ({
        method: req.method,
        url: maskUrl(
          (req.raw as (IncomingMessage & { originalUrl?: string }) | undefined)?.originalUrl ?? req.url,
        ),
        remoteAddress: req.remoteAddress,
        contentType: req.raw?.headers['content-type']?.slice(0, 100),
        contentLength: req.raw?.headers['content-length']?.slice(0, 20),
      }),
      res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
    },
    quietReqLogger: true,
  });
}
