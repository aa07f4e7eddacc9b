import { outcome, T0 } from '../../testing/fixtures';
import { ViewSpec } from '../../testing/viewSpec';
import { counterTotalsView, totalId } from './evolve';

const spec = ViewSpec.for(counterTotalsView);

describe('counter totals evolve', () => {
  it('counts outcomes per direction and status whatever their time', () => {
    spec(
      { type: 'outcome', data: outcome({ outcomeId: 'a', occurredAt: T0, durationMs: 10 }) },
      {
        type: 'outcome',
        data: outcome({ outcomeId: 'b', occurredAt: T0 + 86_400_000 * 400, durationMs: 5 }),
      },
    )
      .when(
        { type: 'outcome', data: outcome({ outcomeId: 'c', status: 'dead-lettered' }) },
        {
          type: 'outcome',
          data: outcome({ outcomeId: 'd', direction: 'siagh-to-crm', occurredAt: T0 - 3_600_000 }),
        },
      )
      .thenDocs((docs) => {
        expect(docs.get(totalId('crm-to-siagh', 'synced'))).toMatchObject({ count: 2, durationMsTotal: 15 });
        expect(docs.get(totalId('crm-to-siagh', 'dead-lettered'))?.count).toBe(1);
        expect(docs.get(totalId('siagh-to-crm', 'synced'))?.count).toBe(1);
        expect(docs.size).toBe(3);
      });
  });

  it('ignores everything but outcomes', () => {
    spec()
      .when({ type: 'entity-state', key: 'customer:1', data: null })
      .thenDocs((docs) => expect(docs.size).toBe(0));
  });
});
