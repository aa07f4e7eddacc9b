import type { z } from 'zod';

/** `to` before `from` is a mistake, not an empty answer: the 400 names the field. */
export function orderedRange(
  q: { from?: number | undefined; to?: number | undefined },
  ctx: z.RefinementCtx,
): void {
  if (q.from !== undefined && q.to !== undefined && q.to < q.from)
    ctx.addIssue({ code: 'custom', path: ['to'], message: 'must not be before from' });
}

/** How many buckets of `stepMs` long a range is (a partial one counts as one). */
export function rangeInBuckets(from: number, to: number, stepMs: number): number {
  return Math.max(0, Math.ceil((to - from) / stepMs));
}
