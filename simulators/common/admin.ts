import express, { type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import { faultConfigSchema, type FaultInjector } from './faults';
import type { CallRecorder } from './recorder';
import type { WriteJournal, WriteOp, WriteOrigin } from './journal';
import type { SimClock } from './clock';

// The admin API lives under /_sim, a path neither real system has, so nothing in the pipeline can
// reach it by accident. It is shared by both simulators; each adds its own record routes.

export interface AdminDeps {
  faults: FaultInjector;
  recorder: CallRecorder;
  journal: WriteJournal;
  clock: SimClock;
  expireSessions(): number;
  dump(): unknown;
  /** Customer numbers of the records held (null when a record has none): for GET /_sim/stats. */
  customerNumbers(): (number | null)[];
}

/** How many records, and customer numbers held by more than one record (duplicates). */
export function numberStats(numbers: (number | null)[]): {
  records: number;
  numbered: number;
  duplicated: number;
} {
  const seen = new Map<number, number>();
  for (const n of numbers) if (n !== null) seen.set(n, (seen.get(n) ?? 0) + 1);
  let duplicated = 0;
  for (const c of seen.values()) if (c > 1) duplicated++;
  return { records: numbers.length, numbered: seen.size, duplicated };
}

/** Answers a zod failure as 400 with the issues, the way our own tools expect. */
export function parseOr400<T>(
  schema: z.ZodType<T, z.ZodTypeDef, unknown>,
  body: unknown,
  res: Response,
): T | undefined {
  const r = schema.safeParse(body);
  if (r.success) return r.data;
  res.status(400).json({ error: 'invalid request', issues: r.error.issues });
  return undefined;
}

const clockSchema = z.object({ offsetMs: z.number().int() }).strict();

export function commonAdminRouter(deps: AdminDeps): Router {
  const r = express.Router();

  r.get('/faults', (_req, res) => {
    res.json(deps.faults.config);
  });
  r.put('/faults', (req, res) => {
    const cfg = parseOr400(faultConfigSchema, req.body, res);
    if (cfg) res.json(deps.faults.set(cfg));
  });
  r.patch('/faults', (req, res) => {
    const cfg = parseOr400(faultConfigSchema.partial(), req.body, res);
    if (cfg) res.json(deps.faults.patch(cfg));
  });
  r.delete('/faults', (_req, res) => {
    res.json(deps.faults.set({}));
  });

  r.get('/calls', (req: Request, res: Response) => {
    const q = req.query as Record<string, string | undefined>;
    res.json(
      deps.recorder.list({
        ...(q.path !== undefined && { path: q.path }),
        ...(q.method !== undefined && { method: q.method }),
        ...(q.since !== undefined && { since: Number(q.since) }),
      }),
    );
  });
  r.delete('/calls', (_req, res) => {
    deps.recorder.reset();
    res.status(204).end();
  });

  r.get('/journal', (req: Request, res: Response) => {
    const q = req.query as Record<string, string | undefined>;
    res.json({
      dropped: deps.journal.dropped,
      entries: deps.journal.list({
        ...(q.origin !== undefined && { origin: q.origin as WriteOrigin }),
        ...(q.op !== undefined && { op: q.op as WriteOp }),
        ...(q.customerNo !== undefined && { customerNo: q.customerNo }),
        ...(q.since !== undefined && { since: Number(q.since) }),
      }),
    });
  });

  r.post('/sessions/expire', (_req, res) => {
    res.json({ expired: deps.expireSessions() });
  });

  r.get('/clock', (_req, res) => {
    res.json({ offsetMs: deps.clock.offsetMs, now: deps.clock.now().toISOString() });
  });
  r.put('/clock', (req, res) => {
    const body = parseOr400(clockSchema, req.body, res);
    if (!body) return;
    deps.clock.offsetMs = body.offsetMs;
    res.json({ offsetMs: deps.clock.offsetMs, now: deps.clock.now().toISOString() });
  });

  r.get('/dump', (_req, res) => {
    res.json(deps.dump());
  });

  // Cheap enough to poll at 100,000 records (a dump is tens of megabytes): benchmarks watch it.
  r.get('/stats', (_req, res) => {
    res.json(numberStats(deps.customerNumbers()));
  });
  return r;
}
