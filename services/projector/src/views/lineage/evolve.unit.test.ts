import { outcome, T0 } from '../../testing/fixtures';
import { ViewSpec } from '../../testing/viewSpec';
import { lineageView } from './evolve';

const spec = ViewSpec.for(lineageView);
const created = {
  type: 'outcome',
  data: outcome({
    outcomeId: 'o1',
    status: 'created',
    fieldDiff: [{ field: 'phone', side: 'siagh', before: null, after: '0912000', reason: 'create' }],
  }),
} as const;
const editedInSiagh = {
  type: 'outcome',
  data: outcome({
    outcomeId: 'o2',
    direction: 'siagh-to-crm',
    occurredAt: T0 + 60_000,
    sourceTime: T0 + 50_000,
    fieldDiff: [
      { field: 'phone', side: 'crm', before: '0912000', after: '0912999', reason: 'changed-on-siagh' },
    ],
  }),
} as const;

describe('lineage evolve', () => {
  it('says which outcome wrote each side of a field and that the other side was edited by a person', () => {
    spec()
      .when(created)
      .then('customer:1231', (d) => {
        const phone = d?.fields.find((f) => f.field === 'phone');
        expect(phone?.siagh).toMatchObject({
          value: '0912000',
          origin: 'sync-write',
          outcomeId: 'o1',
          reason: 'create',
        });
        expect(phone?.crm).toMatchObject({ value: '0912000', origin: 'source-edit', sourceEventId: 'ev-o1' });
      });
  });

  it('a later change from the other side replaces both provenances and keeps the old ones in history', () => {
    spec(created)
      .when(editedInSiagh)
      .then('customer:1231', (d) => {
        const phone = d!.fields.find((f) => f.field === 'phone')!;
        expect(phone.crm).toMatchObject({
          value: '0912999',
          origin: 'sync-write',
          outcomeId: 'o2',
          at: T0 + 60_000,
        });
        expect(phone.siagh).toMatchObject({
          value: '0912999',
          origin: 'source-edit',
          at: T0 + 50_000,
          previous: '0912000',
        });
        expect(phone.history.map((h) => `${h.side}:${h.outcomeId}`)).toEqual(['siagh:o1', 'crm:o1']);
      });
  });

  it('outcomes without field changes do not touch lineage', () => {
    spec()
      .when({ type: 'outcome', data: outcome({ outcomeId: 'o3', status: 'skipped-echo' }) })
      .thenDocs((d) => expect(d.size).toBe(0));
  });
});
