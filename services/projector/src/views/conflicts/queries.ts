import { z } from 'zod';
import { afterCursor, page, pageQuery, type Page } from '../../api/cursor';
import type { ViewSnapshot } from '../../store/reader';
import type { ConflictDoc } from './evolve';

export const conflictQuery = z
  .object({
    state: z
      .enum(['open', 'resolving', 'auto-resolved', 'resolved', 'unsettled'])
      .optional()
      .describe('unsettled = open or resolving'),
    canonicalKey: z.string().max(200).optional(),
    ...pageQuery,
  })
  .strict();

export async function listConflicts(
  v: ViewSnapshot,
  q: z.infer<typeof conflictQuery>,
): Promise<Page<ConflictDoc>> {
  const state = q.state === 'unsettled' ? { $in: ['open', 'resolving'] } : (q.state ?? { $ne: null });
  const filter = {
    $and: [
      { state },
      q.canonicalKey ? { canonicalKey: q.canonicalKey } : {},
      afterCursor('detectedAt', q.cursor),
    ],
  };
  const docs = await v
    .view<ConflictDoc>('conflicts')
    .find(filter, { projection: { _pos: 0 } })
    .sort({ detectedAt: -1, _id: -1 })
    .limit(q.limit + 1)
    .toArray();
  return page(docs, q.limit, (d) => d.detectedAt);
}

export async function getConflict(v: ViewSnapshot, conflictId: string): Promise<ConflictDoc | null> {
  const d = await v.view<ConflictDoc>('conflicts').findOne({ _id: conflictId }, { projection: { _pos: 0 } });
  return d?.state ? d : null;
}

export async function countConflicts(v: ViewSnapshot): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const s of ['open', 'resolving', 'auto-resolved', 'resolved'])
    out[s] = await v.view('conflicts').countDocuments({ state: s });
  return out;
}

/** How many conflicts wait for a person, and since when the oldest (metrics and alerts). */
export async function unsettledConflicts(
  v: ViewSnapshot,
): Promise<{ count: number; oldestDetectedAt: number | null }> {
  const filter = { state: { $in: ['open', 'resolving'] as ConflictDoc['state'][] } };
  const count = await v.view('conflicts').countDocuments(filter);
  const oldest = await v
    .view<ConflictDoc>('conflicts')
    .find(filter, { projection: { detectedAt: 1 } })
    .sort({ detectedAt: 1 })
    .limit(1)
    .toArray();
  return { count, oldestDetectedAt: oldest[0]?.detectedAt ?? null };
}
