import { z } from 'zod';
import { timeParam } from '../../api/cursor';
import type { ViewSnapshot } from '../../store/reader';
import { BUCKET_MS, type CounterDoc } from './evolve';

export const counterQuery = z
  .object({
    granularity: z.enum(['minute', 'hour']).default('minute'),
    from: timeParam.optional().describe('default: 60 buckets before `to`'),
    to: timeParam.optional().describe('default: now'),
    direction: z.enum(['crm-to-siagh', 'siagh-to-crm', 'none']).optional(),
  })
  .strict();

/** Failures for the failure-rate chart: what needed a person or a retry. */
export const FAILURE_STATUSES = new Set(['dead-lettered', 'retrying', 'conflict']);

export interface SeriesPoint {
  bucket: number;
  total: number;
  failures: number;
  failureRate: number;
  byStatus: Record<string, number>;
}

export async function counterSeries(v: ViewSnapshot, q: z.infer<typeof counterQuery>, now = Date.now()) {
  const step = BUCKET_MS[q.granularity];
  const to = q.to ?? now;
  const from = q.from ?? to - 60 * step;
  const docs = await v
    .view<CounterDoc>('counters')
    .find(
      { granularity: q.granularity, bucket: { $gte: Math.floor(from / step) * step, $lt: to } },
      { projection: { _pos: 0 } },
    )
    .toArray();
  const points = new Map<number, SeriesPoint>();
  for (const d of docs) {
    if (q.direction && d.direction !== q.direction) continue;
    const p = points.get(d.bucket) ?? {
      bucket: d.bucket,
      total: 0,
      failures: 0,
      failureRate: 0,
      byStatus: {},
    };
    p.total += d.count;
    if (FAILURE_STATUSES.has(d.status)) p.failures += d.count;
    p.byStatus[d.status] = (p.byStatus[d.status] ?? 0) + d.count;
    points.set(d.bucket, p);
  }
  const series = [...points.values()]
    .sort((a, b) => a.bucket - b.bucket)
    .map((p) => ({ ...p, failureRate: p.total ? p.failures / p.total : 0 }));
  return { granularity: q.granularity, from, to, series };
}

/** Totals per direction and status over all time (from the hour buckets: fewer documents). */
export async function totals(
  v: ViewSnapshot,
): Promise<{ total: number; byStatus: Record<string, number>; byDirection: Record<string, number> }> {
  const byStatus: Record<string, number> = {};
  const byDirection: Record<string, number> = {};
  let total = 0;
  for await (const d of v.view<CounterDoc>('counters').find({ granularity: 'hour' })) {
    total += d.count;
    byStatus[d.status] = (byStatus[d.status] ?? 0) + d.count;
    byDirection[d.direction] = (byDirection[d.direction] ?? 0) + d.count;
  }
  return { total, byStatus, byDirection };
}
