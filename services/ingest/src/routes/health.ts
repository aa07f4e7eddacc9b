import express, { type Router } from 'express';

/** Liveness: the process answers HTTP. Deliberately no dependency checks (that is /ready). */
export function healthRoute(): Router {
  const router = express.Router();
  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  return router;
}
