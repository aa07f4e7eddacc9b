import { z } from 'zod';
import { timeParam } from '../../api/cursor';
import { rangeInBuckets, orderedRange } from '../../api/ranges';
import type { ViewSnapshot } from '../../store/reader';
import { BUCKET_MS, type CounterDoc } from './evolve';
import type { TotalDoc } from '../counter_totals/evolve';

/**
 * One answer holds every bucket of the range in memory (about one document per direction and status
 * each): a day of minutes, or 60 days of hours.
 */
export const MAX_COUNTER_BUCKETS = 1440;

type Granularity = keyof typeof BUCKET_MS;

/** The range a request covers, with its defaults: to = now, from = 60 buckets before to. */
export function counterWindow(
  q: { granularity: Granularity; from?: number | undefined; to?: number | undefined },
  now = Date.now(),
) {
  const step = BUCKET_MS[q.granularity];
  const to = q.to ?? now;
  return { step, to, from: q.from ?? to - 60 * step };
}

export const counterQuery = z
  .object({
    granularity: z.enum(['minute', 'hour']).default('minute'),
    from: timeParam
      .optional()
      .describe(`default: 60 buckets before \`to\`; at most ${MAX_COUNTER_BUCKETS} buckets`),
    to: timeParam.optional().describe('default: now'),
    direction: z.enum(['crm-to-siagh', 'siagh-to-crm', 'none']).optional(),
  })
  .strict()
  .superRefine((q, ctx) => {
    orderedRange(q, ctx);
    const { step, from, to } = counterWindow(q);
    const n = rangeInBuckets(from, to, step);
    if (n > MAX_COUNTER_BUCKETS)
      ctx.addIssue({
        code: 'custom',
        path: ['from'],
        message: `the range is ${n} ${q.granularity}s long, at most ${MAX_COUNTER_BUCKETS} a request: narrow from/to${q.granularity === 'minute' ? ' or ask for granularity=hour' : ''}`,
      });
  });

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
  const { step, to, from } = counterWindow(q, now);
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

/**
 * Totals per direction and status over all time. From `counter_totals` (about thirty documents) when
 * this version of the views was built with it from offset 0; a version built before that view existed
 * (until the rebuild its addition starts has switched over) sums its hour buckets instead.
 */
export async function totals(
  v: ViewSnapshot,
  builtWithTotals: boolean,
): Promise<{ total: number; byStatus: Record<string, number>; byDirection: Record<string, number> }> {
  const byStatus: Record<string, number> = {};
  const byDirection: Record<string, number> = {};
  let total = 0;
  const docs = builtWithTotals
    ? v.view<TotalDoc>('counter_totals').find({})
    : v.view<CounterDoc>('counters').find({ granularity: 'hour' });
  for await (const d of docs) {
    total += d.count;
    byStatus[d.status] = (byStatus[d.status] ?? 0) + d.count;
    byDirection[d.direction] = (byDirection[d.direction] ?? 0) + d.count;
  }
  return { total, byStatus, byDirection };
}
