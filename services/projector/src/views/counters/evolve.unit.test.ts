import { outcome, T0 } from '../../testing/fixtures';
import { ViewSpec } from '../../testing/viewSpec';
import { bucketStart, counterId, countersView } from './evolve';

const spec = ViewSpec.for(countersView);

describe('counters evolve', () => {
  it('counts outcomes per minute and per hour of event time, per direction and status', () => {
    const m = bucketStart(T0, 'minute');
    spec(
      { type: 'outcome', data: outcome({ outcomeId: 'a', occurredAt: T0 + 1 }) },
      { type: 'outcome', data: outcome({ outcomeId: 'b', occurredAt: T0 + 2 }) },
      { type: 'outcome', data: outcome({ outcomeId: 'c', occurredAt: T0 + 61_000 }) },
    )
      .when({
        type: 'outcome',
        data: outcome({ outcomeId: 'd', status: 'dead-lettered', occurredAt: T0 + 3 }),
      })
      .thenDocs((docs) => {
        expect(docs.get(counterId('minute', m, 'crm-to-siagh', 'synced'))?.count).toBe(2);
        expect(docs.get(counterId('minute', m + 60_000, 'crm-to-siagh', 'synced'))?.count).toBe(1);
        expect(docs.get(counterId('hour', bucketStart(T0, 'hour'), 'crm-to-siagh', 'synced'))?.count).toBe(3);
        expect(docs.get(counterId('minute', m, 'crm-to-siagh', 'dead-lettered'))?.count).toBe(1);
      });
  });
});
