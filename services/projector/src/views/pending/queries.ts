import { z } from 'zod';
import { afterCursor, page, pageQuery } from '../../api/cursor';
import type { ViewSnapshot } from '../../store/reader';
import type { MappingDoc } from '../entity_mappings/evolve';
import { PENDING_STATES, type PendingDoc, type PendingState } from './evolve';

/** The syncer's default SYNCER_PARK_RETRY_MS: a parked event is retried this long after its last run. */
export const DEFAULT_PARK_RETRY_MS = 60_000;

/** `waiting` is both kinds of wait (for a customer's link, for a counterpart's import event). */
const STATE_FILTERS = [
  'paused',
  'parked',
  'retrying',
  'waiting',
  'waiting-for-link',
  'waiting-for-counterpart',
] as const;

export const pendingQuery = z
  .object({
    state: z
      .enum(STATE_FILTERS)
      .optional()
      .describe('paused, parked, retrying, waiting (for a link or a counterpart), or one kind of wait'),
    kind: z.enum(['customer', 'quote']).optional(),
    ...pageQuery,
  })
  .strict();

export type PendingItem = Omit<PendingDoc, 'st' | 'episodes' | '_id'> & {
  /** lastAttemptAt + the syncer's retry interval, for a retrying entity. */
  nextAttemptAt: number | null;
};

export interface PendingPage {
  items: PendingItem[];
  nextCursor: string | null;
  /** Waiting entities per state (of the kind asked for, every state). */
  counts: Record<PendingState, number> & { total: number };
  /** The retry interval the next attempts were computed with (the syncer's SYNCER_PARK_RETRY_MS). */
  parkRetryMs: number;
}

const states = (f: (typeof STATE_FILTERS)[number] | undefined): PendingState[] =>
  f === undefined
    ? [...PENDING_STATES]
    : f === 'waiting'
      ? ['waiting-for-link', 'waiting-for-counterpart']
      : [f];

export function present(d: PendingDoc, parkRetryMs: number, customerNumber: string | null): PendingItem {
  const { st: _st, episodes: _ep, _id, ...rest } = d;
  return {
    ...rest,
    customerNumber: rest.customerNumber ?? customerNumber,
    nextAttemptAt:
      d.state === 'retrying' && d.lastAttemptAt !== null ? d.lastAttemptAt + parkRetryMs : d.nextAttemptAt,
  };
}

/** Oldest wait first: the entities that have waited longest are the ones to look at. */
export async function listPending(
  v: ViewSnapshot,
  q: z.infer<typeof pendingQuery>,
  parkRetryMs = DEFAULT_PARK_RETRY_MS,
): Promise<PendingPage> {
  const col = v.view<PendingDoc>('pending');
  const kind = q.kind ? { kind: q.kind } : {};
  const filter = {
    $and: [{ state: { $in: states(q.state) } }, kind, afterCursor('since', q.cursor, 1)],
  };
  const docs = await col
    .find(filter, { projection: { _pos: 0 } })
    .sort({ since: 1, _id: 1 })
    .limit(q.limit + 1)
    .toArray();
  const p = page(docs, q.limit, (d) => d.since);
  // A quote's customer number is its customer's: looked up by the customer's CRM id, when known.
  const crmIds = [
    ...new Set(
      p.items.filter((d) => d.kind === 'quote' && d.st?.customerCrmId).map((d) => d.st!.customerCrmId!),
    ),
  ];
  const numbers = new Map<string, string>();
  if (crmIds.length > 0) {
    const mappings = await v
      .view<MappingDoc>('entity_mappings')
      .find({ crmId: { $in: crmIds } }, { projection: { crmId: 1, customerNumber: 1 } })
      .toArray();
    for (const m of mappings) if (m.crmId && m.customerNumber) numbers.set(m.crmId, m.customerNumber);
  }
  const counts = { total: 0 } as PendingPage['counts'];
  for (const s of PENDING_STATES) {
    counts[s] = await col.countDocuments({ state: s, ...kind });
    counts.total += counts[s];
  }
  return {
    items: p.items.map((d) =>
      present(d, parkRetryMs, d.st?.customerCrmId ? (numbers.get(d.st.customerCrmId) ?? null) : null),
    ),
    nextCursor: p.nextCursor,
    counts,
    parkRetryMs,
  };
}
