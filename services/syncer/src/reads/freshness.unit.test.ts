import { newChangeEvent, type ChangeEvent, type WorkEvent } from '@siaghsync/shared/events';
import { initialState, type EntityState } from '../decide/state';
import { CLOCK_SKEW_MS, isBulk, minReadStart, ownSnapshotUsable, stampKnown } from './freshness';

const event = (c: Partial<ChangeEvent> = {}): WorkEvent => {
  const change = newChangeEvent({
    eventId: 'e',
    source: 'crm',
    entityType: 'customer',
    sourceId: 'g-1',
    operation: 'upsert',
    observedTime: 10_000,
    trigger: 'backfill',
    correlationId: 'c',
    snapshot: '{"id":"g-1"}',
    attributes: { readStartedAt: '9000', kind: 'person' },
    ...c,
  });
  return {
    canonicalKey: 'customer:7',
    kind: 'change',
    routeReason: 'natural-key',
    routedAt: 10_500,
    correlationId: 'c',
    change,
    resolution: null,
    redriveOf: null,
  };
};

const known = (crm: number, siagh = 0): EntityState => {
  const s = initialState('customer:7');
  return { ...s, crm: { ...s.crm, knownAt: crm }, siagh: { ...s.siagh, knownAt: siagh } };
};

describe('which reads may serve an event', () => {
  it('the import and mass re-observations are bulk, live edits are not', () => {
    expect(isBulk(event())).toBe(true);
    expect(isBulk(event({ trigger: 'webhook' }))).toBe(false);
    // A poller sweep that re-observed many records at once is bulk work too.
    expect(isBulk(event({ trigger: 'poll', attributes: { bulk: 'sweep' } }))).toBe(true);
    expect(isBulk(event({ trigger: 'poll' }))).toBe(false);
  });

  it("a search by customer number needs a read begun after the event's observation", () => {
    expect(minReadStart(known(0), event(), 'siagh', false)).toBe(10_000 + CLOCK_SKEW_MS);
    // ...or after what is already known, whichever is later.
    expect(minReadStart(known(0, 50_000), event(), 'siagh', false)).toBe(50_000);
  });

  it('the counterpart of a linked pair may come from any read not older than what is known', () => {
    expect(minReadStart(known(0, 4_000), event(), 'siagh', true)).toBe(4_000);
    // Its own side never: that is the change the event announces.
    expect(minReadStart(known(0), event(), 'crm', true)).toBe(10_000 + CLOCK_SKEW_MS);
    // A live event reads fresh on both sides.
    expect(minReadStart(known(0, 4_000), event({ trigger: 'webhook' }), 'siagh', true)).toBe(11_000);
  });

  it("the event's own snapshot serves it, unless something newer of that record is known", () => {
    expect(ownSnapshotUsable(known(0), event())).toBe(true);
    // A live edit of this record was handled after the import read it: the import's snapshot is older.
    expect(ownSnapshotUsable(known(9_500), event())).toBe(false);
    // Within the clock-skew margin it does not count as newer either.
    expect(ownSnapshotUsable(known(9_000 - CLOCK_SKEW_MS + 1), event())).toBe(false);
    expect(ownSnapshotUsable(known(0), event({ attributes: {} }))).toBe(false);
    expect(ownSnapshotUsable(known(0), event({ trigger: 'poll' }))).toBe(false);
    expect(ownSnapshotUsable(known(0), event({ operation: 'delete' }))).toBe(false);
  });

  it('after a decision, what it read and what it wrote is what is known (read-your-writes)', () => {
    const s = stampKnown(
      known(1_000, 2_000),
      { crm: null, siagh: { id: '5', record: {} as never, time: null, raw: {}, readAt: 3_000 } },
      [{ write: { side: 'crm' } }],
      7_000,
    );
    expect([s.crm.knownAt, s.siagh.knownAt]).toEqual([7_000, 3_000]);
    // An older read never moves it back.
    const t = stampKnown(
      known(9_000),
      { crm: { id: 'g', record: {} as never, time: null, raw: {}, readAt: 1 }, siagh: null },
      [],
      0,
    );
    expect(t.crm.knownAt).toBe(9_000);
  });
});
