import { newChangeEvent, type ChangeEvent, type WorkEvent } from '@siaghsync/shared/events';
import { echoWithoutRead, settledWithoutRead, unchangedWithoutRead } from './echo';
import { initialState, type EntityState } from './state';

const work = (c: Partial<ChangeEvent>): WorkEvent => ({
  canonicalKey: 'customer:3',
  kind: 'change',
  routeReason: 'id-index',
  routedAt: 1,
  correlationId: 'c',
  change: newChangeEvent({
    eventId: 'e',
    source: 'siagh',
    entityType: 'customer',
    sourceId: '1001',
    operation: 'upsert',
    observedTime: 1,
    trigger: 'poll',
    correlationId: 'c',
    ...c,
  }),
  resolution: null,
  redriveOf: null,
});

const linked = (): EntityState => {
  const s = initialState('customer:3');
  return {
    ...s,
    crm: { ...s.crm, id: 'g-1', written: 'crm-sum', knownAt: 5 },
    siagh: { ...s.siagh, id: '1001', written: 'siagh-sum', knownAt: 5 },
  };
};

describe('our own write coming back, told without a read', () => {
  it('a poll event whose checksum is what we last wrote there', () => {
    expect(echoWithoutRead(linked(), work({ checksum: 'siagh-sum' }))).not.toBeNull();
  });

  it('any other checksum, or none, is decided on fresh reads', () => {
    expect(echoWithoutRead(linked(), work({ checksum: 'a-person-edited-it' }))).toBeNull();
    expect(echoWithoutRead(linked(), work({ checksum: null }))).toBeNull();
    // Another record than the one this entity holds on that side.
    expect(echoWithoutRead(linked(), work({ checksum: 'siagh-sum', sourceId: '2002' }))).toBeNull();
    expect(echoWithoutRead(linked(), work({ checksum: 'siagh-sum', operation: 'delete' }))).toBeNull();
  });

  it("the CRM's Insert notice of a record the entity holds; an Update notice is read", () => {
    const insert = work({ source: 'crm', sourceId: 'g-1', attributes: { crmEvent: 'Insert' } });
    expect(echoWithoutRead(linked(), insert)).not.toBeNull();
    const update = work({ source: 'crm', sourceId: 'g-1', attributes: { crmEvent: 'Update' } });
    expect(echoWithoutRead(linked(), update)).toBeNull();
    // An entity that has never read or written that record yet must read it.
    const fresh = initialState('customer:3');
    expect(echoWithoutRead({ ...fresh, crm: { ...fresh.crm, id: 'g-1' } }, insert)).toBeNull();
  });
});

describe('a bulk re-observation of what the pair already synced, told without a read', () => {
  const settled = (): EntityState => {
    const s = linked();
    return {
      ...s,
      crm: { ...s.crm, written: null, seen: 'crm-seen' },
      siagh: { ...s.siagh, written: 'siagh-seen', seen: 'siagh-seen' },
    };
  };
  const sweep = (c: Partial<ChangeEvent>): WorkEvent =>
    work({ attributes: { bulk: 'sweep', readStartedAt: '9' }, ...c });

  it("a poller's bulk sweep carrying the checksum the last decision saw", () => {
    expect(unchangedWithoutRead(settled(), sweep({ checksum: 'siagh-seen' }))).not.toBeNull();
    const crm = sweep({ source: 'crm', sourceId: 'g-1', checksum: 'crm-seen' });
    expect(unchangedWithoutRead(settled(), crm)).not.toBeNull();
    expect(settledWithoutRead(settled(), crm)?.status).toBe('skipped-unchanged');
  });

  it('the import is decided again: an operator re-runs it to apply changed directions or policies', () => {
    const imported = work({
      source: 'crm',
      sourceId: 'g-1',
      trigger: 'backfill',
      checksum: 'crm-seen',
      attributes: { readStartedAt: '9' },
    });
    expect(unchangedWithoutRead(settled(), imported)).toBeNull();
    // Our own write coming back is still told by its checksum.
    const echo = work({ trigger: 'backfill', checksum: 'siagh-seen' });
    expect(settledWithoutRead(settled(), echo)?.status).toBe('skipped-echo');
  });

  it('a live event, another checksum, or no checksum is decided on fresh reads', () => {
    expect(unchangedWithoutRead(settled(), work({ checksum: 'siagh-seen' }))).toBeNull();
    expect(unchangedWithoutRead(settled(), sweep({ checksum: 'edited' }))).toBeNull();
    expect(unchangedWithoutRead(settled(), sweep({ checksum: null }))).toBeNull();
    expect(unchangedWithoutRead(settled(), sweep({ checksum: 'siagh-seen', sourceId: '2002' }))).toBeNull();
  });

  it('the same checksum after a write of ours there may be a person reverting it: decided', () => {
    const s = settled();
    const wrote = { ...s, crm: { ...s.crm, written: 'what-we-wrote' } };
    const crm = sweep({ source: 'crm', sourceId: 'g-1', checksum: 'crm-seen' });
    expect(unchangedWithoutRead(wrote, crm)).toBeNull();
  });

  it('a pair not settled is decided: counterpart missing or deleted, work queued, a conflict open', () => {
    const s = settled();
    const e = sweep({ checksum: 'siagh-seen' });
    expect(unchangedWithoutRead({ ...s, crm: { ...s.crm, id: null } }, e)).toBeNull();
    expect(unchangedWithoutRead({ ...s, crm: { ...s.crm, deleted: true } }, e)).toBeNull();
    expect(unchangedWithoutRead({ ...s, siagh: { ...s.siagh, deleted: true } }, e)).toBeNull();
    expect(unchangedWithoutRead({ ...s, pending: [e] }, e)).toBeNull();
    const conflict = {
      conflictId: 'x',
      field: 'email' as const,
      crmValue: 'a',
      siaghValue: 'b',
      baseValue: '',
      policy: 'manual',
      detectedAt: 1,
    };
    expect(unchangedWithoutRead({ ...s, openConflicts: [conflict] }, e)).toBeNull();
  });
});
