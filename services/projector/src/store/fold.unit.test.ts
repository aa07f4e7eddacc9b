import { outcome, positioned, T0 } from '../testing/fixtures';
import { fold } from '../testing/viewSpec';
import { entityMappingsView } from '../views/entity_mappings/evolve';
import { countersView } from '../views/counters/evolve';
import { syncAuditView } from '../views/sync_audit/evolve';
import { lineageView, type LineageDoc } from '../views/lineage/evolve';
import type { AnyView, ViewDoc } from '../views/types';
import { foldLoaded } from './apply';
import type { Stored } from './collections';

const events = positioned(
  Array.from({ length: 30 }, (_, i) => ({
    type: 'outcome' as const,
    data: outcome({ outcomeId: `o${i}`, canonicalKey: `customer:${i % 3}`, occurredAt: T0 + i * 1000 }),
  })),
);
const asAny = (v: unknown) => v as AnyView;
/** The documents as folded: without the guard, and read back from the view's storage form. */
const asFolded = (view: AnyView, docs: Stored<ViewDoc>[]) =>
  new Map(docs.map(({ _pos, ...d }) => [d._id, view.storage ? view.storage.fromStored(d) : d] as const));

describe('foldLoaded (a whole window folded in memory)', () => {
  it('writes each touched document once, equal to folding event by event', () => {
    for (const view of [entityMappingsView, countersView, syncAuditView].map(asAny)) {
      const { docs } = foldLoaded(view, events, { stored: new Map() });
      expect(new Set(docs.map((d) => d._id)).size).toBe(docs.length);
      expect(asFolded(view, docs)).toEqual(
        fold(
          view,
          events.map((e) => e.event),
        ),
      );
    }
  });

  it('one window equals two windows written one after the other, and a replay changes nothing', () => {
    const view = asAny(countersView);
    const whole = foldLoaded(view, events, { stored: new Map() });
    const first = foldLoaded(view, events.slice(0, 17), { stored: new Map() });
    const stored = new Map(first.docs.map((d) => [d._id, d]));
    const second = foldLoaded(view, events.slice(17), { stored });
    expect(second.existing).toEqual(new Set(stored.keys()));
    for (const d of second.docs) stored.set(d._id, d);
    expect(new Map([...stored].sort())).toEqual(new Map(whole.docs.map((d) => [d._id, d] as const).sort()));

    // The whole log again over the final state: every event is behind its document's guard.
    expect(foldLoaded(view, events, { stored }).docs).toEqual([]);
  });

  it('carries the per-partition guard of every partition that touched a document', () => {
    const two = [
      { ...events[0]!, pos: { stream: 'outcomes' as const, partition: 0, offset: 4 } },
      { ...events[3]!, pos: { stream: 'outcomes' as const, partition: 2, offset: 9 } },
    ];
    const { docs } = foldLoaded(asAny(entityMappingsView), two, { stored: new Map() });
    expect(docs.map((d) => d._pos)).toEqual([{ 'outcomes:0': 4, 'outcomes:2': 9 }]);
  });

  it('stores a view in its storage form and folds on what it reads back, in either form', () => {
    const change = (i: number) => ({
      type: 'outcome' as const,
      data: outcome({
        outcomeId: `l${i}`,
        occurredAt: T0 + i * 1000,
        fieldDiff: [
          {
            field: 'phone',
            side: 'siagh' as const,
            before: null,
            after: `0912${i}`,
            reason: 'changed-on-crm',
          },
        ],
      }),
    });
    const view = asAny(lineageView);
    const first = foldLoaded(view, positioned([change(1)]), { stored: new Map() });
    const [doc] = first.docs as unknown as (Omit<LineageDoc, 'fields'> & { fields: unknown })[];
    expect(typeof doc!.fields).toBe('string');
    const folded = fold(view, [change(1)]).get(doc!._id) as LineageDoc;
    expect(JSON.parse(doc!.fields as string)).toEqual(folded.fields);

    // The next window reads the stored string back; a document written before the storage form (its
    // fields still an array) is read the same way.
    const later = positioned([change(1), change(2)]).slice(1);
    const fromString = foldLoaded(view, later, { stored: new Map([[doc!._id, first.docs[0]!]]) });
    const legacy = { ...first.docs[0]!, fields: folded.fields } as unknown as Stored<ViewDoc>;
    const fromArray = foldLoaded(view, later, { stored: new Map([[doc!._id, legacy]]) });
    expect(fromArray.docs).toEqual(fromString.docs);
    const phone = (
      JSON.parse((fromString.docs[0] as unknown as { fields: string }).fields) as LineageDoc['fields']
    )[0]!;
    expect(phone.siagh?.value).toBe('09122');
    expect(phone.history.map((h) => `${h.side}:${h.outcomeId}`)).toEqual(['crm:l1', 'siagh:l1']);
  });
});
