import express, { type Express } from 'express';
import type { Logger } from '@siaghsync/shared/logger';
import type { IngestHttpConfig } from './config';
import { createMetrics, type IngestMetrics } from './metrics';
import type { Publisher } from './publisher';
import type { ReadinessReport } from './readiness';
import { correlation } from './http/correlation';
import { errorHandler, notFound } from './http/errors';
import { createHttpLogger } from './http/logging';
import { Limits } from './http/rateLimit';
import { crmWebhookRoute } from './routes/crmWebhook';
import { signedWebhookRoute } from './routes/signedWebhook';
import { healthRoute } from './routes/health';
import { readyRoute } from './routes/ready';
import { metricsRoute } from './routes/metrics';
import { ReplayCache } from './signed/replayCache';

export interface AppDeps {
  config: IngestHttpConfig;
  publisher: Publisher;
  readiness: () => Promise<ReadinessReport>;
  logger: Logger;
  metrics?: IngestMetrics;
  now?: () => number;
  replayCache?: ReplayCache;
}

export interface IngestApp {
  app: Express;
  metrics: IngestMetrics;
}

export function createApp(deps: AppDeps): IngestApp {
  const metrics = deps.metrics ?? createMetrics();
  const ctx = {
    config: deps.config,
    publisher: deps.publisher,
    metrics,
    limits: new Limits({
      ...deps.config.rateLimit,
      authFailuresPerMinute: deps.config.authFailuresPerMinute,
    }),
    now: deps.now ?? Date.now,
  };
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  // node:querystring: `a[b]=c` stays a literal key and a repeated key becomes an array, both of which
  // the strict schemas refuse; the result has a null prototype, so `__proto__=` is only an unknown key.
  app.set('query parser', 'simple');
  app.set('trust proxy', deps.config.trustProxy);

  app.use(correlation);
  app.use(createHttpLogger(deps.logger));
  app.use((_req, res, next) => {
    // JSON answers only: nothing here is meant to be rendered, cached or sniffed.
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'");
    next();
  });

  app.use(healthRoute());
  app.use(readyRoute(deps.readiness));
  app.use(metricsRoute(metrics));
  app.use(crmWebhookRoute(ctx));
  app.use(signedWebhookRoute(ctx, deps.replayCache ?? new ReplayCache()));
  app.use(notFound(metrics));
  app.use(errorHandler(metrics));
  return { app, metrics };
}
