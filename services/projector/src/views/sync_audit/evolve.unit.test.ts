import { outcome } from '../../testing/fixtures';
import { ViewSpec } from '../../testing/viewSpec';
import { syncAuditView } from './evolve';

const spec = ViewSpec.for(syncAuditView);

describe('sync_audit evolve', () => {
  it('records one document per outcome with every field and the changed field names', () => {
    spec()
      .when({
        type: 'outcome',
        data: outcome({
          outcomeId: 'o1',
          fieldDiff: [
            { field: 'phone', side: 'siagh', before: null, after: '0912', reason: 'changed-on-crm' },
            { field: 'email', side: 'siagh', before: null, after: 'a@b.ir', reason: 'changed-on-crm' },
          ],
        }),
      })
      .then('o1', (doc) => {
        expect(doc).toMatchObject({
          _id: 'o1',
          status: 'synced',
          direction: 'crm-to-siagh',
          naturalKey: '1231',
        });
        expect(doc?.changedFields).toEqual(['email', 'phone']);
      });
  });

  it('a re-delivered outcome (same id) leaves one identical document', () => {
    const e = { type: 'outcome', data: outcome({ outcomeId: 'o1' }) } as const;
    spec(e)
      .when(e)
      .thenDocs((docs) => {
        expect(docs.size).toBe(1);
        expect(docs.get('o1')?.status).toBe('synced');
      });
  });

  it('ignores events other than outcomes', () => {
    spec()
      .when({
        type: 'redrive-requested',
        deadLetterId: 'd',
        canonicalKey: 'k',
        routedAt: 1,
        correlationId: 'c',
      })
      .thenDocs((d) => expect(d.size).toBe(0));
  });
});
