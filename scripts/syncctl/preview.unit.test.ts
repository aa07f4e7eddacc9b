import { emptyCustomer, type CanonicalCustomer } from '@siaghsync/shared/mapping/canonical';
import { loadSyncConfig } from '@siaghsync/shared/mapping/syncConfig';
import type { SideRecord } from '../../services/syncer/src/decide/types';
import { previewImport } from './preview';

// The default config: email lww (tie to the CRM at a first link), mobile siagh-wins, description manual,
// city carried by the CRM only.
const config = loadSyncConfig();
const cust = (n: number | null, o: Partial<CanonicalCustomer> = {}): CanonicalCustomer => ({
  ...emptyCustomer('person'),
  customerNumber: n,
  name: `customer ${n}`,
  email: `c${n}@example.com`,
  mobile: '09121234567',
  description: 'same',
  ...o,
});
const crm = (id: string, r: CanonicalCustomer): SideRecord => ({ id, record: r, time: 1_000, raw: {} });
const siagh = (id: string, r: CanonicalCustomer): SideRecord => ({ id, record: r, time: null, raw: {} });

describe('previewImport', () => {
  const p = previewImport({
    config,
    now: 10_000,
    crm: [
      crm('g1', cust(1)), // identical pair
      crm(
        'g2',
        cust(2, { email: 'crm@example.com', mobile: '09120000000', description: 'crm', city: 'تهران' }),
      ),
      crm('g3', cust(3)), // CRM only: created in Siagh
      crm('g4', cust(4)),
      crm('g4b', cust(4, { name: 'duplicate' })), // a CRM collision on 4
      crm('g0', cust(null)), // no number: created in Siagh
    ],
    siagh: [
      siagh('1001', cust(1)),
      siagh('1002', cust(2, { email: 'siagh@example.com', mobile: '09129999999', description: 'siagh' })),
      siagh('1010', cust(4)),
      siagh('1005', cust(4, { email: 'older@example.com' })), // Siagh collision on 4: the lowest Code is linked
      siagh('1006', cust(6)), // Siagh only: created in the CRM
    ],
  });

  it('counts pairs, creates per side, collisions and conflicts', () => {
    expect(p.counts).toEqual({
      read: { crm: 6, siagh: 5 },
      pairs: 3,
      pairsIdentical: 1,
      pairsDiffering: 2,
      differingFields: 4,
      creates: { crm: 1, siagh: 2 },
      notCreated: 0,
      collisions: { crm: 1, siagh: 1 },
      conflictsOpen: 1,
      conflictsAutoResolved: 3,
      updates: { crm: 1, siagh: 2 },
    });
  });

  it('collisions name every record and the one the first link takes (CRM first listed, Siagh lowest Code)', () => {
    expect(p.collisions).toEqual([
      { side: 'crm', customerNumber: 4, ids: ['g4', 'g4b'], linked: 'g4' },
      { side: 'siagh', customerNumber: 4, ids: ['1010', '1005'], linked: '1005' },
    ]);
  });

  it('differing fields after normalization, classified by the configured policy as decide() settles them', () => {
    expect(p.differing).toEqual([
      {
        customerNumber: 2,
        crmId: 'g2',
        siaghId: '1002',
        fields: [
          expect.objectContaining({
            field: 'mobile',
            outcome: 'auto-resolved',
            policy: 'siagh-wins',
            winner: 'siagh',
          }),
          expect.objectContaining({
            field: 'email',
            outcome: 'auto-resolved',
            policy: 'lww',
            winner: 'crm',
            reason: 'policy:conflict-lww-tie',
          }),
          expect.objectContaining({
            field: 'description',
            outcome: 'conflict-open',
            policy: 'manual',
            winner: null,
          }),
        ],
      },
      {
        customerNumber: 4,
        crmId: 'g4',
        siaghId: '1005',
        fields: [
          expect.objectContaining({
            field: 'email',
            crm: 'c4@example.com',
            siagh: 'older@example.com',
            winner: 'crm',
          }),
        ],
      },
    ]);
    // city is carried by the CRM only: never compared.
    expect(p.differing.flatMap((d) => d.fields.map((f) => f.field))).not.toContain('city');
  });

  it('creates: each record with no counterpart, on the other side', () => {
    expect(p.creates).toEqual([
      { side: 'siagh', fromId: 'g3', customerNumber: 3, name: 'customer 3' },
      { side: 'crm', fromId: '1006', customerNumber: 6, name: 'customer 6' },
      { side: 'siagh', fromId: 'g0', customerNumber: null, name: 'customer null' },
    ]);
  });

  it('a record the syncer would not create is listed as such (an inactive CRM-side record is not created in Siagh)', () => {
    const q = previewImport({ config, now: 1, crm: [crm('g9', cust(9, { active: false }))], siagh: [] });
    expect(q.counts.creates).toEqual({ crm: 0, siagh: 0 });
    expect(q.notCreated).toEqual([
      { side: 'crm', fromId: 'g9', customerNumber: 9, note: 'inactive record is not created' },
    ]);
  });
});
