import express, { type Router } from 'express';
import type { ReadinessReport } from '../readiness';

/** Readiness: 200 only when Kafka, the registry and the producer work and we are not shutting down. */
export function readyRoute(readiness: () => Promise<ReadinessReport>): Router {
  const router = express.Router();
  router.get('/ready', (_req, res, next) => {
    readiness()
      .then((r) => {
        res.status(r.ready ? 200 : 503).json({ status: r.ready ? 'ready' : 'not-ready', checks: r.checks });
      })
      .catch(next);
  });
  return router;
}
