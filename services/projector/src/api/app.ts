import express, { type NextFunction, type Request, type Response } from 'express';
import { ZodError, type ZodTypeAny } from 'zod';
import type { Metrics } from '../metrics';
import { ViewsNotReady } from '../store/reader';
import { operatorAuth, readAuth, type ApiTokens } from './auth';
import { dashboardRoutes } from './dashboard';
import { securityHeaders } from './headers';
import { hostCheck } from './hosts';
import { openApiDocument } from './openapi';
import { HttpError, type ApiContext, type RouteDef } from './route';
import { ROUTES } from './routes';
import { dashboardSignIn } from './session';

export interface AppOptions {
  ctx: ApiContext;
  metrics: Metrics;
  ready: () => boolean;
  /** Host header names answered (see hosts.ts); probes answer any. */
  allowedHosts: Set<string>;
}

function parse(schema: ZodTypeAny | undefined, input: unknown): unknown {
  return schema ? (schema.parse(input ?? {}) as unknown) : {};
}

function mount(
  app: express.Express,
  r: RouteDef,
  ctx: ApiContext,
  tokens: ApiTokens,
  metrics: Metrics,
): void {
  // An operator route checks the operator token alone: a wrong one is told what operator actions
  // need, not what reads need. A body is parsed only for a caller who may send one.
  const handlers: express.RequestHandler[] = [
    r.operator ? operatorAuth(tokens) : readAuth(tokens),
    express.json({ limit: '64kb', strict: true }),
  ];
  handlers.push(async (req: Request, res: Response) => {
    const query = parse(r.query, req.query);
    const body = parse(r.body, req.body);
    const out = await r.handle(ctx, { query, body, params: req.params as Record<string, string> }, res);
    if (out !== undefined) res.json(out);
    if (r.operator && res.statusCode < 300) metrics.operatorActions.inc({ action: r.path });
  });
  app[r.method](r.path, ...handlers);
}

export function createApp({ ctx, metrics, ready, allowedHosts }: AppOptions): express.Express {
  const app = express();
  const tokens: ApiTokens = { read: ctx.readToken, operator: ctx.operatorToken };
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use(securityHeaders);
  app.use((req, res, next) => {
    res.on('finish', () =>
      metrics.httpRequests.inc({
        route: (req.route as { path?: string } | undefined)?.path ?? 'unmatched',
        status: res.statusCode,
      }),
    );
    next();
  });

  // Probes answer whatever Host they are sent to (Prometheus scrapes by service name, orchestrators
  // by address) and carry no customer data, so they need neither a token nor an allowed host.
  app.get('/health', (_req, res) => void res.json({ status: 'ok' }));
  app.get(
    '/ready',
    (_req, res) =>
      void res.status(ready() ? 200 : 503).json({
        ready: ready(),
        active: ctx.projector.active,
        liveVersion: ctx.projector.liveVersion,
        rebuild: ctx.projector.progress(),
      }),
  );
  app.get('/metrics', async (_req, res) => {
    res.setHeader('Content-Type', metrics.registry.contentType);
    res.send(await metrics.registry.metrics());
  });

  app.use(hostCheck(allowedHosts));
  // The API's shape is public (it is in the repository); what it returns is not.
  const doc = openApiDocument(ROUTES);
  app.get('/openapi.json', (_req, res) => void res.json(doc));
  for (const r of ROUTES) mount(app, r, ctx, tokens, metrics);
  // Unknown /api paths too: which routes exist is told to token holders (and by /openapi.json).
  app.use('/api', readAuth(tokens));
  app.get('/', dashboardSignIn(tokens));
  app.use(dashboardRoutes());

  app.use((_req, res) => void res.status(404).json({ error: 'not-found' }));
  // Express 5 forwards rejected promises here; nothing from the request is echoed back.
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (res.headersSent) {
      // A stream (an export) failed half-way: cut it, so the client sees it incomplete.
      ctx.logger.error({ err }, 'response failed after it started');
      res.destroy();
    } else if (err instanceof ZodError) {
      res.status(400).json({
        error: 'invalid-request',
        issues: err.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
      });
    } else if (err instanceof HttpError) {
      res.status(err.status).json({ error: err.code, message: err.message });
    } else if (err instanceof ViewsNotReady) {
      res.status(503).setHeader('Retry-After', '5').json({ error: 'views-building', message: err.message });
    } else if ((err as { type?: string }).type === 'entity.parse.failed') {
      res.status(400).json({ error: 'invalid-json' });
    } else if ((err as { type?: string }).type === 'entity.too.large') {
      res.status(413).json({ error: 'body-too-large' });
    } else {
      ctx.logger.error({ err }, 'request failed');
      res.status(500).json({ error: 'internal' });
    }
  });
  return app;
}
