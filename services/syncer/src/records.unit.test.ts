import { newChangeEvent, type WorkEvent } from '@siaghsync/shared/events';
import { initialState } from './decide/state';
import { outcomeOf, type EventMeta } from './records';

const event: WorkEvent = {
  canonicalKey: 'customer:7',
  kind: 'change',
  routeReason: 'id-index',
  routedAt: 1,
  correlationId: 'corr-7',
  change: newChangeEvent({
    eventId: 'e-7',
    source: 'crm',
    entityType: 'customer',
    sourceId: 'g-7',
    operation: 'upsert',
    observedTime: 1,
    trigger: 'webhook',
    correlationId: 'corr-7',
  }),
  resolution: null,
  redriveOf: null,
};
const meta: EventMeta = { topic: 'work', partition: 2, offset: '41', generation: 1 };
const deps = { now: () => 1_000 };

describe('outcomeOf', () => {
  it("keeps the decision's note, so the audit says why where the status alone does not", () => {
    const o = outcomeOf(deps, event, meta, 1, initialState('customer:7'), {
      status: 'skipped-unchanged',
      note: 'inactive record is not created',
    });
    expect(o.note).toBe('inactive record is not created');
    expect(o.status).toBe('skipped-unchanged');
  });

  it('writes null, not undefined, when there is no note (Avro has no undefined)', () => {
    const o = outcomeOf(deps, event, meta, 1, initialState('customer:7'), { status: 'synced' });
    expect(o.note).toBeNull();
  });

  it('gives a re-run of the same record the same outcome id, and another record another', () => {
    const a = outcomeOf(deps, event, meta, 1, initialState('customer:7'), { status: 'synced' });
    const b = outcomeOf(deps, event, meta, 2, initialState('customer:7'), { status: 'synced' });
    const c = outcomeOf(deps, event, { ...meta, offset: '42' }, 1, initialState('customer:7'), {
      status: 'synced',
    });
    expect(b.outcomeId).toBe(a.outcomeId);
    expect(c.outcomeId).not.toBe(a.outcomeId);
  });
});
