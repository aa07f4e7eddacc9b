import { newChangeEvent, type ChangeEvent, type WorkEvent } from '@siaghsync/shared/events';
import { fromRecord, initialState, toRecord } from '../decide/state';
import { awaitCounterpart, isAwaiting, mayAwaitCounterpart, queueFor } from './awaitCounterpart';

const event = (c: Partial<ChangeEvent> = {}, id = 'e'): WorkEvent => ({
  canonicalKey: 'customer:7',
  kind: 'change',
  routeReason: 'natural-key',
  routedAt: 10_500,
  correlationId: id,
  change: newChangeEvent({
    eventId: id,
    source: 'siagh',
    entityType: 'customer',
    sourceId: '42',
    operation: 'upsert',
    observedTime: 10_000,
    trigger: 'poll',
    correlationId: id,
    snapshot: '{"Code":42}',
    attributes: { bulk: 'sweep', readStartedAt: '9000' },
    ...c,
  }),
  resolution: null,
  redriveOf: null,
});

describe('an import event that waits for its counterpart instead of reading it', () => {
  const fresh = initialState('customer:7');

  it('only an import upsert of an entity not linked on either side may wait', () => {
    expect(mayAwaitCounterpart(fresh, event())).toBe(true);
    expect(mayAwaitCounterpart(fresh, event({ trigger: 'backfill', attributes: {} }))).toBe(true);
    // A live event reads: a person waits for nothing.
    expect(mayAwaitCounterpart(fresh, event({ attributes: {} }))).toBe(false);
    // A CRM import event may wait for Siagh's (whose snapshot tells a Siagh edit since from old data);
    // a CRM sweep of changed records or a live CRM event does not.
    expect(mayAwaitCounterpart(fresh, event({ source: 'crm', sourceId: 'g-1' }))).toBe(true);
    const crmChanged = event({ source: 'crm', sourceId: 'g-1', attributes: { bulk: 'changed' } });
    expect(mayAwaitCounterpart(fresh, crmChanged)).toBe(false);
    expect(mayAwaitCounterpart(fresh, event({ source: 'crm', sourceId: 'g-1', attributes: {} }))).toBe(false);
    expect(mayAwaitCounterpart(fresh, event({ operation: 'delete', snapshot: null }))).toBe(false);
    expect(mayAwaitCounterpart({ ...fresh, crm: { ...fresh.crm, id: 'g-1' } }, event())).toBe(false);
    expect(mayAwaitCounterpart({ ...fresh, siagh: { ...fresh.siagh, id: '42' } }, event())).toBe(false);
    expect(mayAwaitCounterpart({ ...fresh, pending: [event()] }, event())).toBe(false);
    expect(mayAwaitCounterpart(initialState('preinvoice:crm:q', 'preinvoice'), event())).toBe(false);
  });

  it('parks the event with its deadline, and the wait survives the changelog', () => {
    const waiting = awaitCounterpart(fresh, event(), 70_000, 3, 10_000);
    expect(waiting).toMatchObject({ pending: [event()], awaitingUntil: 70_000, version: 1, generation: 3 });
    expect(isAwaiting(waiting)).toBe(true);
    expect(fromRecord(toRecord(waiting)).awaitingUntil).toBe(70_000);
    expect(fromRecord(toRecord(fresh)).awaitingUntil).toBeUndefined();
    expect(isAwaiting({ ...waiting, pending: [] })).toBe(false);
  });

  it('any event ends a wait: the waiting one runs first; the awaited one lends its snapshot; a failure holds', () => {
    const waiting = awaitCounterpart(fresh, event({}, 'siagh-import'), 70_000, 3, 10_000);
    const siaghImport = event({}, 'siagh-import');
    const crm = event({ source: 'crm', sourceId: 'g-1' }, 'crm-import');
    // The awaited event: its snapshot is kept for the waiting one, which links the pair on the two
    // import snapshots; then the CRM event finds the pair settled.
    expect(queueFor(waiting, crm)).toEqual({ run: [siaghImport, crm], behind: false, keep: true });
    // Anything else (a live edit, a webhook): the waiting one reads and links first, then it.
    const live = event({ attributes: { changedFields: 'email' } }, 'siagh-live');
    expect(queueFor(waiting, live)).toEqual({ run: [siaghImport, live], behind: false, keep: false });
    const webhook = event({ source: 'crm', sourceId: 'g-1', trigger: 'webhook', attributes: {} }, 'hook');
    expect(queueFor(waiting, webhook)).toEqual({ run: [siaghImport, webhook], behind: false, keep: false });
    const failed = { ...fresh, pending: [event({}, 'failing')] };
    expect(queueFor(failed, crm)).toEqual({ run: [], behind: true });
    expect(queueFor(fresh, crm)).toEqual({ run: [crm], behind: false, keep: false });

    // A waiting CRM import event: Siagh's import event lends its snapshot; another CRM event does not.
    const crmWaiting = awaitCounterpart(fresh, crm, 70_000, 3, 10_000);
    expect(queueFor(crmWaiting, siaghImport)).toEqual({ run: [crm, siaghImport], behind: false, keep: true });
    const crmAgain = event({ source: 'crm', sourceId: 'g-1' }, 'crm-sweep-2');
    expect(queueFor(crmWaiting, crmAgain)).toEqual({ run: [crm, crmAgain], behind: false, keep: false });
    // A live Siagh event is the record the CRM event waited for, with the poller's evidence: it goes first.
    expect(queueFor(crmWaiting, live)).toEqual({ run: [live, crm], behind: false, keep: false });
    // Behind a waiting Siagh event a live Siagh event keeps its place.
    expect(queueFor(waiting, live)).toEqual({ run: [siaghImport, live], behind: false, keep: false });
  });
});
