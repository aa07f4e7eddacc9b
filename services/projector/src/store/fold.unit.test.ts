import { outcome, positioned, T0 } from '../testing/fixtures';
import { fold } from '../testing/viewSpec';
import { entityMappingsView } from '../views/entity_mappings/evolve';
import { countersView } from '../views/counters/evolve';
import { syncAuditView } from '../views/sync_audit/evolve';
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
const strip = (docs: Stored<ViewDoc>[]) => new Map(docs.map(({ _pos, ...d }) => [d._id, d]));

describe('foldLoaded (a whole window folded in memory)', () => {
  it('writes each touched document once, equal to folding event by event', () => {
    for (const view of [entityMappingsView, countersView, syncAuditView].map(asAny)) {
      const { docs } = foldLoaded(view, events, { stored: new Map() });
      expect(new Set(docs.map((d) => d._id)).size).toBe(docs.length);
      expect(strip(docs)).toEqual(
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
});
