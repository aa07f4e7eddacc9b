import { entityState, outcome, T0 } from '../../testing/fixtures';
import { ViewSpec } from '../../testing/viewSpec';
import { entityMappingsView } from './evolve';

const spec = ViewSpec.for(entityMappingsView);
const state = {
  type: 'entity-state',
  key: 'customer:1231',
  data: entityState({ canonicalKey: 'customer:1231' }),
} as const;
const synced = { type: 'outcome', data: outcome({ outcomeId: 'o1', occurredAt: T0 + 10 }) } as const;

describe('entity_mappings evolve', () => {
  it('a linked pair shows both ids, customer number and tmpid, last sync and both records', () => {
    spec(state)
      .when(synced)
      .then('customer:1231', (d) => {
        expect(d).toMatchObject({
          status: 'linked',
          customerNumber: '100-1231',
          tmpid: '1231',
          siaghId: '5001',
          lastSyncAt: T0 + 10,
          lastSyncDirection: 'crm-to-siagh',
        });
        expect(d?.sync?.records.crm?.snapshot).toContain('علی');
        expect(d?.sync?.records.siagh?.snapshot).toContain('MobileNo');
      });
  });

  it('is the same whichever of state and outcome is read first', () => {
    let a: unknown;
    spec(state)
      .when(synced)
      .then('customer:1231', (d) => (a = d));
    spec(synced)
      .when(state)
      .then('customer:1231', (d) => expect(d).toEqual(a));
  });

  it('a state tombstone or a deleted side marks the mapping deleted; skipped outcomes keep the last sync', () => {
    spec(state, synced)
      .when({ type: 'entity-state', key: 'customer:1231', data: null })
      .then('customer:1231', (d) => expect(d?.status).toBe('deleted'));
    spec(state, synced)
      .when({
        type: 'outcome',
        data: outcome({ outcomeId: 'o2', status: 'skipped-echo', direction: 'none', occurredAt: T0 + 99 }),
      })
      .then('customer:1231', (d) => {
        expect(d?.lastSyncAt).toBe(T0 + 10);
        expect(d?.sync?.lastStatus).toBe('skipped-echo');
      });
  });
});
