import { z } from 'zod';
import { afterCursor, page, pageQuery, type Page } from '../../api/cursor';
import type { ViewSnapshot } from '../../store/reader';
import type { DeadLetterDoc } from './evolve';

export const deadLetterQuery = z
  .object({
    redriveState: z.enum(['pending', 'redriven']).optional(),
    canonicalKey: z.string().max(200).optional(),
    ...pageQuery,
  })
  .strict();

export type DeadLetterOut = Omit<DeadLetterDoc, 'eventJson'> & { event: unknown };

export const present = (d: DeadLetterDoc): DeadLetterOut => {
  const { eventJson, ...rest } = d;
  return { ...rest, event: eventJson ? (JSON.parse(eventJson) as unknown) : null };
};

export async function listDeadLetters(
  v: ViewSnapshot,
  q: z.infer<typeof deadLetterQuery>,
): Promise<Page<DeadLetterOut>> {
  const filter = {
    $and: [
      { redriveState: q.redriveState ?? { $ne: null } },
      q.canonicalKey ? { canonicalKey: q.canonicalKey } : {},
      afterCursor('lastFailedAt', q.cursor),
    ],
  };
  const docs = await v
    .view<DeadLetterDoc>('dead_letters')
    .find(filter, { projection: { _pos: 0 } })
    .sort({ lastFailedAt: -1, _id: -1 })
    .limit(q.limit + 1)
    .toArray();
  const p = page(docs, q.limit, (d) => d.lastFailedAt);
  return { items: p.items.map(present), nextCursor: p.nextCursor };
}

export async function getDeadLetter(v: ViewSnapshot, id: string): Promise<DeadLetterDoc | null> {
  const d = await v.view<DeadLetterDoc>('dead_letters').findOne({ _id: id }, { projection: { _pos: 0 } });
  return d?.redriveState ? d : null;
}
