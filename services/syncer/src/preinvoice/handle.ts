import { deterministicEventId, type CreateIntent, type WorkEvent } from '@siaghsync/shared/events';
import type { SyncError } from '@siaghsync/shared/errors';
import type { EntityState } from '../decide/state';
import type { HandlerDeps } from '../handle';
import { outcomeOf, pausedOutputs, pauseOfWrites, type EventMeta } from '../records';
import { emptyOutputs, type Outputs } from '../outputs';
import { decidePreInvoice } from './decide';
import { fetchPreInvoice } from './fetch';
import type { PreInvoiceDecision, PreInvoiceFetched } from './types';
import { applyPreInvoiceResults, performPreInvoiceWrites, type PreInvoiceWriteResult } from './write';

/**
 * One attempt for a pre-invoice entity, read straight through like the customer's: fetch, decide,
 * announce the create intent, write, and what to commit. A `waiting` outcome parks the event on its
 * entity (handle.ts); an edit refused because the document was finalized meanwhile is decided again
 * as a conflict, with the document as Siagh now holds it.
 */
export async function attemptPreInvoice(
  deps: HandlerDeps,
  state: EntityState,
  event: WorkEvent,
  meta: EventMeta,
  attempt: number,
  started: number,
): Promise<Outputs> {
  if (!deps.customers)
    throw new Error('pre-invoice handling needs the customer lookups (HandlerDeps.customers)');
  let fetched = await fetchPreInvoice(deps.systems, deps.config, deps.customers, state, event);
  let decision = decidePreInvoice({ state, event, fetched, config: deps.config, now: deps.now() });
  const stopped = pauseOfWrites(deps, state, decision.writes);
  if (stopped) return pausedOutputs(deps, state, event, meta, attempt, started, stopped);
  const intents = intentsOf(decision, event, deps.now());
  if (intents.length > 0) await deps.announce(intents);
  let results: PreInvoiceWriteResult[];
  try {
    results = await performPreInvoiceWrites(deps.systems, deps.config, decision.writes);
  } catch (e) {
    if ((e as SyncError).code !== 'PREINVOICE_DOCUMENT_FINALIZED' || fetched.document === null) throw e;
    fetched = { ...fetched, document: { ...fetched.document, Finalized: true } };
    decision = decidePreInvoice({ state, event, fetched, config: deps.config, now: deps.now() });
    results = await performPreInvoiceWrites(deps.systems, deps.config, decision.writes);
  }
  const newState: EntityState = {
    ...applyPreInvoiceResults(decision.newState, decision.content, results),
    generation: meta.generation,
  };
  const now = deps.now();
  const outcome = outcomeOf(deps, event, meta, attempt, newState, {
    status: decision.outcome.status,
    direction: decision.outcome.direction,
    fieldDiff: decision.outcome.fieldDiff,
    note: decision.outcome.note,
    durationMs: now - started,
  });
  // The audit's snapshots for a pre-invoice: the quote, the document before, what we saved.
  outcome.sourceSnapshot = fetched.quote ? JSON.stringify(fetched.quote) : null;
  outcome.targetBefore = fetched.document ? JSON.stringify(fetched.document) : null;
  outcome.targetAfter = savedSnapshot(decision, results, fetched);
  const created = results.find((r) => r.write.op === 'create');
  return {
    ...emptyOutputs(),
    state: newState,
    intents: intents.map((i) => ({
      ...i,
      status: 'done' as const,
      createdId: created ? String(created.documentNo) : null,
    })),
    outcome,
    conflicts: decision.conflicts.map((c) => ({
      ...c,
      entityType: 'preinvoice' as const,
      correlationId: event.correlationId,
    })),
  };
}

/**
 * The create intent, committed before the Siagh create. Its natural key is null and its checksum the
 * payload's, so the router (which matches intents only for customers) can never mistake it for one.
 */
function intentsOf(decision: PreInvoiceDecision, event: WorkEvent, now: number): CreateIntent[] {
  return decision.writes
    .filter((w) => w.op === 'create')
    .map((w) => ({
      intentId: deterministicEventId('intent', event.canonicalKey, 'siagh', event.correlationId),
      canonicalKey: event.canonicalKey,
      entityType: 'preinvoice' as const,
      targetSide: 'siagh' as const,
      naturalKey: null,
      checksum: w.op === 'create' ? w.checksum : '',
      status: 'open' as const,
      createdId: null,
      createdAt: now,
      correlationId: event.correlationId,
      write: null,
    }));
}

function savedSnapshot(
  decision: PreInvoiceDecision,
  results: PreInvoiceWriteResult[],
  fetched: PreInvoiceFetched,
): string | null {
  const saved = decision.writes.find((w) => w.op !== 'write-back');
  if (!saved) return null;
  const documentNo = results.find((r) => r.write === saved)?.documentNo ?? null;
  return JSON.stringify({ documentNo, header: saved.header, lines: saved.lines, session: fetched.session });
}
