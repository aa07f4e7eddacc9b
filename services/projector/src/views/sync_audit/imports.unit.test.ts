import type { FieldChange } from '@siaghsync/shared/events';
import { linkDiffering } from './evolve';
import { foldImport, importQuery, type ImportOutcome } from './imports';

const diff = (field: string, side: 'crm' | 'siagh', reason = 'conflict-lww'): FieldChange => ({
  field,
  side,
  before: '"a"',
  after: '"b"',
  reason,
});

const outcome = (
  o: Partial<ImportOutcome> & Pick<ImportOutcome, 'sourceEventId' | 'status'>,
): ImportOutcome => ({
  canonicalKey: `customer:${o.sourceEventId}`,
  direction: 'none',
  crmId: 'c1',
  siaghId: '1',
  fieldDiff: [],
  occurredAt: 1000,
  linkDiffering: null,
  ...o,
});

describe('linkDiffering: what a first link found different', () => {
  it('lists the fields both sides carry with different values; null when the outcome is no first link', () => {
    expect(linkDiffering([])).toBeNull();
    expect(
      linkDiffering([
        { field: 'email', side: 'crm', value: '"a@x.ir"' },
        { field: 'email', side: 'siagh', value: '"b@x.ir"' },
        { field: 'name', side: 'crm', value: '"Ali"' },
        { field: 'name', side: 'siagh', value: '"Ali"' },
        // Mapped on the CRM side only: nothing to compare it with.
        { field: 'description', side: 'crm', value: '"vip"' },
      ]),
    ).toEqual(['email']);
  });
});

describe('foldImport: an import read back from its outcomes', () => {
  it('counts pairs, creates, updates, conflicts and lone records as the preview does', () => {
    const outcomes: ImportOutcome[] = [
      // Pair 1: identical, linked; its other side's event is then unchanged.
      outcome({ sourceEventId: 'e1', canonicalKey: 'customer:1', status: 'linked', linkDiffering: [] }),
      outcome({ sourceEventId: 'e2', canonicalKey: 'customer:1', status: 'skipped-unchanged' }),
      // Pair 2: two fields differ, both settled by policy, one written to each side.
      outcome({
        sourceEventId: 'e3',
        canonicalKey: 'customer:2',
        status: 'synced',
        linkDiffering: ['email', 'mobile'],
        fieldDiff: [diff('email', 'siagh'), diff('mobile', 'crm')],
      }),
      // Pair 3: one field differs and is parked for a person.
      outcome({
        sourceEventId: 'e4',
        canonicalKey: 'customer:3',
        status: 'conflict',
        linkDiffering: ['name'],
      }),
      // Lone CRM record created in Siagh (retried once first), lone Siagh one created in the CRM.
      outcome({
        sourceEventId: 'e5',
        canonicalKey: 'customer:4',
        status: 'retrying',
        siaghId: null,
        occurredAt: 900,
      }),
      outcome({
        sourceEventId: 'e5',
        canonicalKey: 'customer:4',
        status: 'created',
        direction: 'crm-to-siagh',
      }),
      outcome({
        sourceEventId: 'e6',
        canonicalKey: 'customer:5',
        status: 'created',
        direction: 'siagh-to-crm',
      }),
      // Lone inactive CRM record: not created in Siagh.
      outcome({
        sourceEventId: 'e7',
        canonicalKey: 'customer:6',
        status: 'skipped-unchanged',
        siaghId: null,
      }),
      // A refused create, and one still retrying.
      outcome({ sourceEventId: 'e8', canonicalKey: 'customer:7', status: 'dead-lettered', siaghId: null }),
      outcome({ sourceEventId: 'e9', canonicalKey: 'customer:8', status: 'retrying', siaghId: null }),
    ];
    const r = foldImport(outcomes, [
      { status: 'auto-resolved' },
      { status: 'auto-resolved' },
      { status: 'open' },
    ]);
    expect(r).toEqual({
      events: 9,
      decided: 8,
      pairs: 3,
      pairsIdentical: 1,
      pairsDiffering: 2,
      differingFields: 3,
      creates: { crm: 1, siagh: 1 },
      notCreated: 1,
      updates: { crm: 1, siagh: 1 },
      conflictsOpen: 1,
      conflictsAutoResolved: 2,
      deadLettered: 1,
      unsettled: 1,
    });
  });

  it('a first link decided twice (a retry after a crash) is one pair; a later retry does not hide a final outcome', () => {
    const again = [
      outcome({ sourceEventId: 'e1', status: 'linked', linkDiffering: ['email'], occurredAt: 1 }),
      outcome({ sourceEventId: 'e1', status: 'linked', linkDiffering: ['email'], occurredAt: 2 }),
      outcome({ sourceEventId: 'e2', status: 'created', direction: 'crm-to-siagh', occurredAt: 5 }),
      outcome({ sourceEventId: 'e2', status: 'retrying', occurredAt: 5 }),
    ];
    const r = foldImport(again, []);
    expect(r).toMatchObject({ events: 2, decided: 2, pairs: 1, differingFields: 1, unsettled: 0 });
    expect(r.creates.siagh).toBe(1);
  });

  it('takes up to ten correlation ids, comma-separated, and refuses none or more', () => {
    expect(importQuery.parse({ correlationId: 'a, b' }).correlationId).toEqual(['a', 'b']);
    expect(importQuery.safeParse({ correlationId: '' }).success).toBe(false);
    expect(importQuery.safeParse({ correlationId: Array(11).fill('x').join(',') }).success).toBe(false);
    expect(importQuery.safeParse({}).success).toBe(false);
  });
});
