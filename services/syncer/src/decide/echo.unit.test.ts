import { newChangeEvent, type ChangeEvent, type WorkEvent } from '@siaghsync/shared/events';
import { echoWithoutRead } from './echo';
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
