// What an import did, read back from its outcomes and conflicts (by the import's correlation ids): the
// numbers `syncctl backfill --dry-run` predicts, now as the syncer decided them, so an operator can put
// the preview and the result side by side.

import { z } from 'zod';
import type { Side } from '@siaghsync/shared/mapping/syncConfig';
import type { ViewSnapshot } from '../../store/reader';
import type { ConflictDoc } from '../conflicts/evolve';
import type { AuditDoc } from './evolve';

export type ImportOutcome = Pick<
  AuditDoc,
  'sourceEventId' | 'canonicalKey' | 'status' | 'direction' | 'crmId' | 'siaghId' | 'fieldDiff' | 'occurredAt'
> & { linkDiffering?: string[] | null };

export interface ImportResult {
  /** Source events with an outcome, and those whose latest outcome is final (not retrying or waiting). */
  events: number;
  decided: number;
  pairs: number;
  pairsIdentical: number;
  pairsDiffering: number;
  differingFields: number;
  creates: Record<Side, number>;
  /** Lone records the import left alone (an inactive record is not created in Siagh, for one). */
  notCreated: number;
  updates: Record<Side, number>;
  conflictsOpen: number;
  conflictsAutoResolved: number;
  deadLettered: number;
  /** Latest outcome still retrying or waiting: the import is not finished for these. */
  unsettled: number;
}

const UNSETTLED = new Set(['retrying', 'waiting']);
const SKIPPED = new Set(['skipped-unchanged', 'skipped-echo']);

/** The latest outcome of each source event; at one time a final one wins over a retry. */
function latestPerEvent(outcomes: readonly ImportOutcome[]): ImportOutcome[] {
  const latest = new Map<string, ImportOutcome>();
  for (const o of outcomes) {
    const seen = latest.get(o.sourceEventId);
    const later =
      !seen ||
      o.occurredAt > seen.occurredAt ||
      (o.occurredAt === seen.occurredAt && UNSETTLED.has(seen.status) && !UNSETTLED.has(o.status));
    if (later) latest.set(o.sourceEventId, o);
  }
  return [...latest.values()];
}

/** `conflicts`: each conflict the import found, with the status it was found in (open or auto-resolved). */
export function foldImport(
  outcomes: readonly ImportOutcome[],
  conflicts: readonly { status: string }[],
): ImportResult {
  const r: ImportResult = {
    events: 0,
    decided: 0,
    pairs: 0,
    pairsIdentical: 0,
    pairsDiffering: 0,
    differingFields: 0,
    creates: { crm: 0, siagh: 0 },
    notCreated: 0,
    updates: { crm: 0, siagh: 0 },
    conflictsOpen: 0,
    conflictsAutoResolved: 0,
    deadLettered: 0,
    unsettled: 0,
  };
  // A pair's first link may be retried and decided again: counted once per entity.
  const linked = new Set<string>();
  for (const o of outcomes) {
    if (o.linkDiffering == null || linked.has(o.canonicalKey)) continue;
    linked.add(o.canonicalKey);
    r.pairs++;
    if (o.linkDiffering.length === 0) r.pairsIdentical++;
    else {
      r.pairsDiffering++;
      r.differingFields += o.linkDiffering.length;
    }
    for (const side of ['crm', 'siagh'] as const)
      if (o.fieldDiff.some((f) => f.side === side)) r.updates[side]++;
  }
  const latest = latestPerEvent(outcomes);
  const created = new Set<string>();
  for (const o of latest) {
    r.events++;
    if (UNSETTLED.has(o.status)) r.unsettled++;
    else r.decided++;
    if (o.status === 'dead-lettered') r.deadLettered++;
    if (o.status === 'created' && !created.has(o.canonicalKey)) {
      created.add(o.canonicalKey);
      r.creates[o.direction === 'siagh-to-crm' ? 'crm' : 'siagh']++;
    }
  }
  const lone = new Set<string>();
  for (const o of latest) {
    const oneSide = (o.crmId === null) !== (o.siaghId === null);
    if (SKIPPED.has(o.status) && oneSide && !linked.has(o.canonicalKey) && !created.has(o.canonicalKey))
      lone.add(o.canonicalKey);
  }
  r.notCreated = lone.size;
  for (const c of conflicts) {
    if (c.status === 'auto-resolved') r.conflictsAutoResolved++;
    else r.conflictsOpen++; // open, or opened by the import and settled by a person since
  }
  return r;
}

export const importQuery = z
  .object({
    correlationId: z
      .string()
      .max(1100)
      .transform((s) => s.split(',').map((x) => x.trim()))
      .pipe(z.array(z.string().min(1).max(100)).min(1).max(10))
      .describe("the import's correlation ids, comma-separated (the backfill prints them), at most 10"),
  })
  .strict();

/** One pass over the import's outcomes and conflicts; FerretDB scans for it, so it is asked for seldom. */
export async function importResult(v: ViewSnapshot, correlationIds: string[]): Promise<ImportResult> {
  const filter = { correlationId: { $in: correlationIds } };
  const outcomes = await v
    .view<AuditDoc>('sync_audit')
    .find(filter, {
      projection: {
        _id: 0,
        sourceEventId: 1,
        canonicalKey: 1,
        status: 1,
        direction: 1,
        crmId: 1,
        siaghId: 1,
        fieldDiff: 1,
        occurredAt: 1,
        linkDiffering: 1,
      },
    })
    .toArray();
  // A conflict's id ends with the correlation id of the event that found it; its later events (a
  // person's resolution) carry their own, so the id, not the latest event, says which import found it.
  const escaped = correlationIds.map((c) => c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const conflicts = await v
    .view<ConflictDoc>('conflicts')
    .find({ _id: { $regex: `:(${escaped.join('|')})$` } }, { projection: { history: 1 } })
    .toArray();
  return foldImport(
    outcomes,
    conflicts.map((c) => ({ status: c.history[0]?.status ?? 'open' })),
  );
}
