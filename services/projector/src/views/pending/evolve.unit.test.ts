import type { ProjectorEvent } from '../../events';
import { foldLoaded } from '../../store/apply';
import type { Stored } from '../../store/collections';
import { entityState, outcome, positioned } from '../../testing/fixtures';
import { pendingScenario, QUOTE_CUSTOMER_CRM_ID } from '../../testing/pendingScenario';
import { fold, ViewSpec } from '../../testing/viewSpec';
import type { AnyView, ViewDoc } from '../types';
import { MAX_EPISODES, pendingView, type PendingDoc } from './evolve';

const NOW = Date.UTC(2026, 0, 10, 12, 0, 0);
const MIN = 60_000;
const s = pendingScenario(NOW);
const spec = ViewSpec.for(pendingView);
const stateEvents: ProjectorEvent[] = s.states.map((d) => ({
  type: 'entity-state',
  key: d.canonicalKey,
  data: d,
}));
const outcomeEvents: ProjectorEvent[] = s.outcomes.map((d) => ({ type: 'outcome', data: d }));
const all = [...stateEvents, ...outcomeEvents];

/** Every interleaving of two streams that keeps each stream's own order (a few of them). */
function interleavings(a: ProjectorEvent[], b: ProjectorEvent[]): ProjectorEvent[][] {
  const alternate: ProjectorEvent[] = [];
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i]) alternate.push(a[i]!);
    if (b[i]) alternate.push(b[i]!);
  }
  return [[...a, ...b], [...b, ...a], alternate, [...b.slice(0, 3), ...a, ...b.slice(3)]];
}

const strip = (docs: Stored<ViewDoc>[]) => new Map(docs.map((d) => [d._id, d]));

describe('pending evolve', () => {
  it('a customer parked after failures: retrying, why (code, message, Siagh words), since its first failure, attempts of all runs', () => {
    spec()
      .when(...all)
      .then('customer:1240', (d) => {
        expect(d).toMatchObject({
          kind: 'customer',
          state: 'retrying',
          customerNumber: '100-1240',
          siaghId: '5040',
          reasonCode: 'SIAGH_SERVER_ERROR',
          message: 'Siagh answered HTTP 503',
          sourceMessage: 'سرویس در دسترس نیست',
          since: NOW - 25 * MIN,
          lastAttemptAt: NOW - 5 * MIN,
          nextAttemptAt: null,
          attempts: 10,
          queued: 1,
          head: { correlationId: 'corr-p1', source: 'crm', trigger: 'webhook' },
        });
      });
  });

  it('a quote waiting for its customer link and an import waiting for its counterpart, with the deadline as next attempt', () => {
    spec()
      .when(...all)
      .thenDocs((docs) => {
        expect(docs.get(s.quoteKey)).toMatchObject({
          kind: 'quote',
          state: 'waiting-for-link',
          waitingFor: `crm:${QUOTE_CUSTOMER_CRM_ID}`,
          reasonCode: 'waiting-for-customer-link',
          customerNumber: null,
          since: NOW - 40 * MIN,
          attempts: 1,
          queued: 0,
        });
        expect(docs.get('customer:1241')).toMatchObject({
          state: 'waiting-for-counterpart',
          reasonCode: 'waiting-for-counterpart',
          message: expect.stringContaining('CRM counterpart') as unknown,
          since: NOW - 2 * MIN,
          nextAttemptAt: NOW + 8 * MIN,
        });
      });
  });

  it('an entity that no longer waits is hidden (state null), whichever stream says so first', () => {
    spec()
      .when(...all)
      .then('customer:1242', (d) => {
        expect(d?.state).toBeNull();
        expect(d?.episodes).toEqual([]);
      });
    // Nothing waited at all: no document.
    spec()
      .when(...all)
      .then('customer:1299', (d) => expect(d).toBeUndefined());
    spec()
      .when(...all)
      .then('customer:1231', (d) => expect(d).toBeUndefined());
  });

  it('parked with no known failure of its head: parked, since the state, reason unknown', () => {
    spec()
      .when({ type: 'entity-state', key: 'customer:1240', data: s.states[0]! })
      .then('customer:1240', (d) =>
        expect(d).toMatchObject({
          state: 'parked',
          reasonCode: 'unknown',
          since: NOW - 5 * MIN,
          attempts: 0,
        }),
      );
  });

  it('an event waiting on an operator pause: paused, with the pause as its why', () => {
    const message = 'writes to siagh paused by maryam since 2026-01-10T11:50:00.000Z: fiscal-year close';
    spec()
      .when(
        { type: 'entity-state', key: 'customer:1240', data: s.states[0]! },
        {
          type: 'outcome',
          data: outcome({
            outcomeId: 'paused-1',
            canonicalKey: 'customer:1240',
            correlationId: 'corr-p1',
            status: 'waiting',
            direction: 'none',
            fieldDiff: [],
            attempts: 1,
            error: { kind: 'transient', code: 'PAUSED', message, sourceMessage: null },
            occurredAt: NOW - 10 * MIN,
          }),
        },
      )
      .then('customer:1240', (d) =>
        expect(d).toMatchObject({ state: 'paused', reasonCode: 'PAUSED', message, nextAttemptAt: null }),
      );
  });

  it('a failure of an event that is no longer the head does not explain the new head', () => {
    const parked = JSON.parse(s.states[0]!.pending!) as unknown[];
    const next = { ...s.states[0]!, pending: JSON.stringify(parked.slice(1)) };
    spec(...all)
      .when({ type: 'entity-state', key: 'customer:1240', data: next })
      .then('customer:1240', (d) => {
        expect(d).toMatchObject({ state: 'parked', queued: 0, head: { correlationId: 'corr-p1b' } });
      });
  });

  it('a tombstone removes the entity from the list', () => {
    spec(...all)
      .when({ type: 'entity-state', key: 'customer:1240', data: null })
      .then('customer:1240', (d) => expect(d?.state).toBeNull());
  });

  it('is the same, positions included, however a rebuild interleaves the two topics', () => {
    // customer:1250 as a compacted log may leave it: its failure in the outcomes, its latest state
    // (nothing parked) alone on entity-state.
    const states: ProjectorEvent[] = [
      ...stateEvents,
      { type: 'entity-state', key: 'customer:1250', data: entityState({ canonicalKey: 'customer:1250' }) },
    ];
    const outcomes: ProjectorEvent[] = [
      ...outcomeEvents,
      {
        type: 'outcome',
        data: outcome({ outcomeId: 'c1', canonicalKey: 'customer:1250', status: 'retrying', attempts: 1 }),
      },
    ];
    const view = pendingView as unknown as AnyView;
    let first: Map<string, Stored<ViewDoc>> | undefined;
    for (const order of interleavings(states, outcomes)) {
      // Positions per stream as the log has them: the same event keeps its offset in every order.
      const pos = new Map(positioned([...states, ...outcomes]).map((p) => [p.event, p.pos]));
      const batch = order.map((event) => ({ event, pos: pos.get(event)! }));
      const docs = strip(foldLoaded(view, batch, { stored: new Map() }).docs);
      if (first) expect(docs).toEqual(first);
      else first = docs;
    }
    expect([...first!.keys()].sort()).toEqual([
      'customer:1240',
      'customer:1241',
      'customer:1242',
      'customer:1250',
      'preinvoice:crm:q-77',
    ]);
  });

  it('a rebuild of the compacted changelog (latest state per key) lists the same waiting documents', () => {
    // The syncer commits a new state (a version bump) that parks nothing new: compaction keeps only it.
    const bump = { ...s.states[0]!, version: 2 };
    const states: ProjectorEvent[] = [
      ...stateEvents,
      { type: 'entity-state', key: 'customer:1240', data: bump },
    ];
    const pos = new Map(positioned([...states, ...outcomeEvents]).map((p) => [p.event, p.pos]));
    const latest = new Map<string, ProjectorEvent>();
    for (const e of states) if (e.type === 'entity-state') latest.set(e.key, e);
    const view = pendingView as unknown as AnyView;
    const foldIn = (events: ProjectorEvent[]) =>
      strip(
        foldLoaded(
          view,
          events.map((event) => ({ event, pos: pos.get(event)! })),
          { stored: new Map() },
        ).docs,
      );
    const waiting = (docs: Map<string, Stored<ViewDoc>>) =>
      [...docs.values()].filter((d) => (d as unknown as PendingDoc).state !== null);
    const live = waiting(foldIn([...states, ...outcomeEvents]));
    expect(live).toHaveLength(3);
    expect(waiting(foldIn([...latest.values(), ...outcomeEvents]))).toEqual(live);
  });

  it('a replayed window changes nothing: attempts are not counted twice (the _pos guard)', () => {
    const batch = positioned(all);
    const view = pendingView as unknown as AnyView;
    const once = foldLoaded(view, batch, { stored: new Map() });
    const stored = strip(once.docs);
    expect(foldLoaded(view, batch, { stored }).docs).toEqual([]);
    // Half the log, then all of it again: equal to folding it once.
    const half = strip(foldLoaded(view, batch.slice(0, 6), { stored: new Map() }).docs);
    const rest = foldLoaded(view, batch, { stored: half });
    for (const d of rest.docs) half.set(d._id, d);
    expect(half).toEqual(stored);
    expect((stored.get('customer:1240') as unknown as PendingDoc).attempts).toBe(10);
    // fold() (no guard) agrees with the runner on a single pass.
    const plain = fold(pendingView, all);
    for (const [id, d] of plain) expect({ ...d, _pos: stored.get(id)!._pos }).toEqual(stored.get(id));
  });

  it('keeps a bounded number of open episodes', () => {
    const many: ProjectorEvent[] = Array.from({ length: MAX_EPISODES + 5 }, (_, i) => ({
      type: 'outcome',
      data: outcome({
        outcomeId: `m${i}`,
        correlationId: `c${i}`,
        status: 'retrying',
        attempts: 1,
        occurredAt: NOW + i,
        error: { kind: 'transient', code: 'CRM_TIMEOUT', message: 'timeout', sourceMessage: null },
      }),
    }));
    spec()
      .when(...many)
      .then('customer:1231', (d) => {
        expect(d?.episodes).toHaveLength(MAX_EPISODES);
        expect(d?.episodes[0]?.correlationId).toBe('c5');
        expect(d?.state).toBeNull();
      });
  });

  it('ignores states of entities that never waited, and other events', () => {
    spec({ type: 'entity-state', key: 'customer:1', data: entityState({ canonicalKey: 'customer:1' }) })
      .when({ type: 'outcome', data: outcome({ outcomeId: 'x', canonicalKey: 'customer:1' }) })
      .thenDocs((docs) => expect(docs.size).toBe(0));
  });
});
