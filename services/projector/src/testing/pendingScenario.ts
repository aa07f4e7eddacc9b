import type { EntityStateRecord, SyncOutcome, WorkEvent } from '@siaghsync/shared/events';
import { entityState, outcome, workChange } from './fixtures';
import type { LogWriter } from './produce';

// Work that waits, as the syncer leaves it on `entity-state` and `outcomes` (services/syncer: handle.ts
// parks an event in `pending`, awaitCounterpart.ts sets `extra.awaitingUntil`, preinvoice/decide.ts sets
// `extra.preInvoice.waitingFor`). Times are relative to `now`, so ages read naturally on the dashboard.

export const QUOTE_CUSTOMER_CRM_ID = 'c0ffee00-0000-4000-8000-000000009901';

/** A state whose events are parked: `events` in order, the first the one that failed or waits. */
export function parkedState(
  canonicalKey: string,
  events: WorkEvent[],
  p: Partial<EntityStateRecord> & { extraJson?: Record<string, unknown> } = {},
): EntityStateRecord {
  const { extraJson, ...rest } = p;
  return entityState({
    canonicalKey,
    pending: JSON.stringify(events),
    extra: JSON.stringify({ kind: 'person', crmSeen: null, siaghSeen: null, ...extraJson }),
    ...rest,
  });
}

export function pendingScenario(now: number) {
  const min = 60_000;
  const ev = (key: string, id: string, patch: Partial<NonNullable<WorkEvent['change']>> = {}) => {
    const w = workChange(key, id);
    return { ...w, change: { ...w.change!, ...patch } };
  };
  // customer:1240: Siagh down for 25 minutes; two runs of 5 attempts, a later edit queued behind.
  const c1240 = ev('customer:1240', 'p1', { sourceId: 'c0ffee00-0000-4000-8000-000000001240' });
  const c1240b = ev('customer:1240', 'p1b', { sourceId: 'c0ffee00-0000-4000-8000-000000001240' });
  const down = {
    kind: 'transient',
    code: 'SIAGH_SERVER_ERROR',
    message: 'Siagh answered HTTP 503',
    sourceMessage: 'سرویس در دسترس نیست',
  };
  // customer:1241: a Siagh import event waiting for its CRM counterpart's import event.
  const c1241 = ev('customer:1241', 'p2', { source: 'siagh', sourceId: '5041', trigger: 'backfill' });
  // A CRM quote whose customer has no Siagh contact yet.
  const quoteKey = 'preinvoice:crm:q-77';
  const quote = ev(quoteKey, 'p3', { entityType: 'preinvoice', sourceId: 'q-77', naturalKey: null });
  // customer:1242 waited and recovered: it must not be listed.
  const c1242 = ev('customer:1242', 'p4');

  const states: EntityStateRecord[] = [
    parkedState('customer:1240', [c1240, c1240b], {
      crmId: 'c0ffee00-0000-4000-8000-000000001240',
      siaghId: '5040',
      naturalKey: '1240',
      updatedAt: now - 5 * min,
    }),
    parkedState('customer:1241', [c1241], {
      crmId: null,
      siaghId: '5041',
      naturalKey: '1241',
      updatedAt: now - 2 * min,
      extraJson: { awaitingUntil: now + 8 * min },
    }),
    parkedState(quoteKey, [quote], {
      entityType: 'preinvoice',
      crmId: 'q-77',
      siaghId: null,
      naturalKey: null,
      updatedAt: now - 40 * min,
      extraJson: {
        preInvoice: {
          sent: null,
          waitingFor: `crm:${QUOTE_CUSTOMER_CRM_ID}`,
          customerCrmId: QUOTE_CUSTOMER_CRM_ID,
          fiscalYear: null,
          documentDate: null,
        },
      },
    }),
    parkedState('customer:1242', [c1242], { naturalKey: '1242', updatedAt: now - 30 * min }),
    // ... then its retry succeeded: the same entity's next state has nothing parked.
    entityState({ canonicalKey: 'customer:1242', naturalKey: '1242', version: 2, updatedAt: now - 20 * min }),
    // The quote's customer: known in the CRM (customer number 100-1299), not yet in Siagh.
    entityState({
      canonicalKey: 'customer:1299',
      crmId: QUOTE_CUSTOMER_CRM_ID,
      siaghId: null,
      naturalKey: '1299',
      updatedAt: now - 41 * min,
    }),
  ];
  const o = (p: Partial<SyncOutcome> & Pick<SyncOutcome, 'outcomeId'>) =>
    outcome({ direction: 'none', fieldDiff: [], ...p });
  const outcomes: SyncOutcome[] = [
    o({
      outcomeId: 'w1',
      canonicalKey: 'customer:1240',
      correlationId: c1240.correlationId,
      status: 'retrying',
      attempts: 5,
      error: down,
      occurredAt: now - 25 * min,
    }),
    o({
      outcomeId: 'w2',
      canonicalKey: 'customer:1240',
      correlationId: c1240b.correlationId,
      status: 'waiting',
      attempts: 0,
      occurredAt: now - 10 * min,
    }),
    o({
      outcomeId: 'w3',
      canonicalKey: 'customer:1240',
      correlationId: c1240.correlationId,
      status: 'retrying',
      attempts: 5,
      error: down,
      occurredAt: now - 5 * min,
    }),
    o({
      outcomeId: 'w4',
      canonicalKey: 'customer:1241',
      correlationId: c1241.correlationId,
      status: 'waiting',
      attempts: 1,
      occurredAt: now - 2 * min,
    }),
    o({
      outcomeId: 'w5',
      canonicalKey: quoteKey,
      entityType: 'preinvoice',
      correlationId: quote.correlationId,
      status: 'waiting',
      attempts: 1,
      occurredAt: now - 40 * min,
    }),
    o({
      outcomeId: 'w6',
      canonicalKey: 'customer:1242',
      correlationId: c1242.correlationId,
      status: 'retrying',
      attempts: 5,
      error: { kind: 'transient', code: 'CRM_TIMEOUT', message: 'CRM timed out', sourceMessage: null },
      occurredAt: now - 30 * min,
    }),
    o({
      outcomeId: 'w7',
      canonicalKey: 'customer:1242',
      correlationId: c1242.correlationId,
      status: 'synced',
      direction: 'crm-to-siagh',
      occurredAt: now - 20 * min,
    }),
  ];
  return { states, outcomes, quoteKey };
}

export async function writePendingScenario(w: LogWriter, now: number): Promise<void> {
  const s = pendingScenario(now);
  await w.states(s.states);
  await w.outcomes(s.outcomes);
}
