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

  it('a first link records what each side held; a write on top keeps it in history, an untouched field keeps it', () => {
    const linked = {
      type: 'outcome',
      data: outcome({
        outcomeId: 'o4',
        status: 'synced',
        direction: 'crm-to-siagh',
        occurredAt: T0 + 5_000,
        linkedValues: [
          { field: 'phone', side: 'crm', value: '"0912000"' },
          { field: 'phone', side: 'siagh', value: '"0912000"' },
          { field: 'email', side: 'crm', value: '"a@x.ir"' },
          { field: 'email', side: 'siagh', value: '"old@x.ir"' },
        ],
        fieldDiff: [
          { field: 'email', side: 'siagh', before: '"old@x.ir"', after: '"a@x.ir"', reason: 'conflict-lww' },
        ],
      }),
    } as const;
    spec()
      .when(linked)
      .then('customer:1231', (d) => {
        const phone = d!.fields.find((f) => f.field === 'phone')!;
        expect(phone.crm).toMatchObject({
          value: '"0912000"',
          origin: 'linked',
          reason: 'present-at-link',
          outcomeId: 'o4',
          at: T0 + 5_000,
        });
        expect(phone.siagh).toMatchObject({ value: '"0912000"', origin: 'linked' });
        expect(phone.history).toEqual([]);
        const email = d!.fields.find((f) => f.field === 'email')!;
        expect(email.siagh).toMatchObject({
          value: '"a@x.ir"',
          origin: 'sync-write',
          reason: 'conflict-lww',
        });
        expect(email.history.map((h) => `${h.side}:${h.origin}:${h.value}`)).toEqual([
          'siagh:linked:"old@x.ir"',
        ]);
        // The winning side held the value at the link: that is its lineage, not an edit seen now.
        expect(email.crm).toMatchObject({ value: '"a@x.ir"', origin: 'linked' });
      });
  });

  it('a field a direction rule decided keeps the side it came from', () => {
    spec()
      .when({
        type: 'outcome',
        data: outcome({
          outcomeId: 'o5',
          direction: 'crm-to-siagh',
          sourceTime: T0 - 1_000,
          fieldDiff: [{ field: 'nickName', side: 'siagh', before: '"b"', after: '"a"', reason: 'direction' }],
        }),
      })
      .then('customer:1231', (d) => {
        const nick = d!.fields.find((f) => f.field === 'nickName')!;
        expect(nick.siagh).toMatchObject({ origin: 'sync-write', reason: 'direction', value: '"a"' });
        expect(nick.crm).toMatchObject({
          origin: 'source-edit',
          reason: 'direction',
          value: '"a"',
          at: T0 - 1_000,
        });
      });
  });

  it('an outcome written before linkedValues existed (decoded without it) is folded as before', () => {
    const old = outcome({ outcomeId: 'o6', status: 'linked' }) as Partial<ReturnType<typeof outcome>>;
    delete old.linkedValues;
    spec()
      .when({ type: 'outcome', data: old as ReturnType<typeof outcome> })
      .thenDocs((d) => expect(d.size).toBe(0));
  });
});
