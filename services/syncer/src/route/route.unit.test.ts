import type { CreateIntent } from '@siaghsync/shared/events';
import { sampleChange, sampleWork } from '../../../../test/fixtures/events';
import { needsLiveMarker, queueOf, retryQueueOf, routeChange, type RouteLookups } from './route';

const none: RouteLookups = {
  linkOf: () => undefined,
  createdBy: () => undefined,
  openIntentFor: () => undefined,
  wroteLast: () => false,
};
const intent = (over: Partial<CreateIntent> = {}): CreateIntent => ({
  intentId: 'i1',
  canonicalKey: 'customer:crm:guid-1',
  entityType: 'customer',
  targetSide: 'siagh',
  naturalKey: null,
  checksum: 'abc',
  write: null,
  status: 'open',
  createdId: null,
  createdAt: 1,
  correlationId: 'c',
  ...over,
});

describe('routing to a canonical key', () => {
  it('the id index comes first, even against a natural key', () => {
    const r = routeChange(sampleChange({ naturalKey: '77' }), { ...none, linkOf: () => 'customer:1231' });
    expect(r).toEqual({ canonicalKey: 'customer:1231', reason: 'id-index' });
  });

  it('the echo of our own create, before its link is recorded, joins the entity of the open intent', () => {
    const lookups: RouteLookups = {
      ...none,
      openIntentFor: (side, _n, checksum) => (side === 'siagh' && checksum === 'abc' ? intent() : undefined),
    };
    const r = routeChange(
      sampleChange({ source: 'siagh', sourceId: '1002', naturalKey: null, checksum: 'abc' }),
      lookups,
    );
    expect(r).toEqual({ canonicalKey: 'customer:crm:guid-1', reason: 'open-intent' });
  });

  it('a record our create made, deleted before its link is recorded, joins the entity that created it', () => {
    // Unreadable once deleted: no natural key, no checksum; only the id the create returned.
    const created = intent({ targetSide: 'crm', canonicalKey: 'customer:1231', createdId: 'guid-9' });
    const lookups: RouteLookups = {
      ...none,
      createdBy: (side, id) => (side === 'crm' && id === 'guid-9' ? created : undefined),
    };
    const change = sampleChange({ source: 'crm', sourceId: 'guid-9', naturalKey: null, checksum: null });
    expect(routeChange(change, lookups)).toEqual({ canonicalKey: 'customer:1231', reason: 'open-intent' });
    expect(routeChange(change, none).reason).toBe('new-key');
  });

  it('the natural key maps 100-<n> / tmpid n to customer:n from either side', () => {
    expect(routeChange(sampleChange({ source: 'crm', naturalKey: '1231' }), none).canonicalKey).toBe(
      'customer:1231',
    );
    expect(
      routeChange(sampleChange({ source: 'siagh', sourceId: '9', naturalKey: '1231' }), none).canonicalKey,
    ).toBe('customer:1231');
  });

  it('only a record with nothing to go by gets a new key', () => {
    const r = routeChange(sampleChange({ naturalKey: null, sourceId: 'g-9' }), none);
    expect(r).toEqual({ canonicalKey: 'customer:crm:g-9', reason: 'new-key' });
  });

  it('pre-invoices are keyed by their quote', () => {
    expect(routeChange(sampleChange({ entityType: 'preinvoice', sourceId: 'q1' }), none).canonicalKey).toBe(
      'preinvoice:crm:q1',
    );
  });
});

describe('the queue a routed change goes to', () => {
  const ours = {
    ...none,
    wroteLast: (side: string, key: string, sum: string) =>
      side === 'siagh' && key === 'customer:7' && sum === 'ours',
  };
  const siagh = (attributes: Record<string, string>, checksum = 'theirs') =>
    sampleChange({
      source: 'siagh',
      sourceId: '1007',
      naturalKey: '7',
      trigger: 'poll',
      checksum,
      attributes,
    });

  it('live changes live, the import (first seen, or a backfill) bulk', () => {
    expect(queueOf(siagh({}), 'customer:7', ours).queue).toBe('live');
    expect(queueOf(siagh({ bulk: 'sweep' }), 'customer:7', ours).queue).toBe('bulk');
    expect(queueOf(sampleChange({ trigger: 'backfill' }), 'customer:7', ours).queue).toBe('bulk');
  });

  it('of many changes in one sweep, our own writes coming back stay bulk; an edit goes live, unmarked', () => {
    expect(queueOf(siagh({ bulk: 'changed' }, 'ours'), 'customer:7', ours)).toMatchObject({
      queue: 'bulk',
      change: { attributes: { bulk: 'changed' } },
    });
    const edit = queueOf(siagh({ bulk: 'changed', changedFields: 'email' }), 'customer:7', ours);
    expect(edit.queue).toBe('live');
    expect(edit.change.attributes).toEqual({ changedFields: 'email' });
    // Our write on the other side, or of another entity, says nothing of this record.
    expect(queueOf(siagh({ bulk: 'changed' }, 'ours'), 'customer:8', ours).queue).toBe('live');
  });

  it("the CRM's Insert notice of a record the tables know is bulk; of an unknown one, or an Update, live", () => {
    const notice = (crmEvent: string, sourceId = 'guid-9') =>
      sampleChange({ source: 'crm', sourceId, trigger: 'webhook', attributes: { crmEvent } });
    const linked = { ...none, linkOf: (k: string) => (k === 'crm:guid-9' ? 'customer:9' : undefined) };
    const created = {
      ...none,
      createdBy: (side: string, id: string) =>
        side === 'crm' && id === 'guid-9' ? intent({ targetSide: 'crm', createdId: 'guid-9' }) : undefined,
    };
    expect(queueOf(notice('Insert'), 'customer:9', linked)).toEqual({
      queue: 'bulk',
      change: notice('Insert'),
    });
    expect(queueOf(notice('Insert'), 'customer:9', created).queue).toBe('bulk');
    expect(queueOf(notice('Update'), 'customer:9', linked).queue).toBe('live');
    expect(queueOf(notice('Insert', 'guid-new'), 'customer:crm:guid-new', linked).queue).toBe('live');
    expect(queueOf(notice('Insert'), 'customer:9', none).queue).toBe('live');
    const deleted = { ...notice('Insert'), operation: 'delete' as const };
    expect(queueOf(deleted, 'customer:9', linked).queue).toBe('live');
  });
});

describe('the queue of a retry marker', () => {
  const work = (change: Parameters<typeof sampleChange>[0]) => sampleWork({ change: sampleChange(change) });
  const siaghImport = work({ source: 'siagh', trigger: 'poll', attributes: { bulk: 'sweep' } });
  const crmImport = work({ source: 'crm', trigger: 'backfill' });
  const edit = work({ source: 'crm', trigger: 'webhook' });

  it("follows parked import work to its bulk topic, by the first event's source", () => {
    expect(retryQueueOf([siaghImport])).toEqual({ queue: 'bulk', source: 'siagh' });
    expect(retryQueueOf([crmImport, siaghImport])).toEqual({ queue: 'bulk', source: 'crm' });
  });

  it('stays live when any parked event is live, or there is no change to tell by', () => {
    expect(retryQueueOf([siaghImport, edit])).toEqual({ queue: 'live' });
    expect(retryQueueOf([edit])).toEqual({ queue: 'live' });
    expect(retryQueueOf([sampleWork({ kind: 'resolution', change: null })])).toEqual({ queue: 'live' });
    expect(retryQueueOf([])).toEqual({ queue: 'live' });
  });

  it("a person's event parked behind import work whose marker went bulk needs one on work", () => {
    const parked = (pending: (typeof edit)[], awaitingUntil?: number) => ({
      pending,
      ...(awaitingUntil !== undefined && { awaitingUntil }),
    });
    expect(needsLiveMarker(parked([siaghImport, edit]), true, false)).toBe(true);
    // Not when the marker went to work anyway, one is already due, all is bulk, or a counterpart is awaited.
    expect(needsLiveMarker(parked([siaghImport, edit]), false, false)).toBe(false);
    expect(needsLiveMarker(parked([siaghImport, edit]), true, true)).toBe(false);
    expect(needsLiveMarker(parked([siaghImport]), true, false)).toBe(false);
    expect(needsLiveMarker(parked([siaghImport, edit], 5), true, false)).toBe(false);
    expect(needsLiveMarker(parked([]), true, false)).toBe(false);
  });
});
