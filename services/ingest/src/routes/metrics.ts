import express, { type Router } from 'express';
import type { IngestMetrics } from '../metrics';

export function metricsRoute(metrics: IngestMetrics): Router {
  const router = express.Router();
  router.get('/metrics', (_req, res, next) => {
    metrics.registry
      .metrics()
      .then((text) => {
        res.setHeader('Content-Type', metrics.registry.contentType);
        res.send(text);
      })
      .catch(next);
  });
  return router;
}
