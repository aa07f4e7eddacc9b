import { outcome } from '../testing/fixtures';
import type { Positioned } from '../events';
import { FlushWindow } from './window';

const ev = (offset: number): Positioned => ({
  event: { type: 'outcome', data: outcome({ outcomeId: `o${offset}` }) },
  pos: { stream: 'outcomes', partition: 0, offset },
});

describe('FlushWindow', () => {
  const policy = { maxEvents: 3, maxAgeMs: 100 };

  it('is due by size, by age, or once a rebuild has read up to its targets', () => {
    const w = new FlushWindow({}, policy, { 'outcomes:0': 2, 'work:0': 0 });
    expect(w.due(1_000_000)).toBe(false);
    w.add('outcomes:0', 1, [ev(0)], 1000);
    expect(w.due(1050)).toBe(false);
    expect(w.due(1100)).toBe(true);
    w.add('outcomes:0', 2, [ev(1)], 1060);
    expect(w.reachedTargets).toBe(true);
    expect(w.due(1061)).toBe(true);

    const live = new FlushWindow({}, policy);
    live.add('outcomes:0', 3, [ev(0), ev(1), ev(2)], 0);
    expect(live.full).toBe(true);
    expect(live.due(0)).toBe(true);
  });

  it('hands out the events and the positions they bring, and takes back a window that failed', () => {
    const w = new FlushWindow({ 'outcomes:0': 5 }, policy);
    w.add('outcomes:0', 7, [ev(5), ev(6)], 10);
    const t = w.take()!;
    expect(t.events.map((e) => e.pos.offset)).toEqual([5, 6]);
    expect(t.read).toEqual({ 'outcomes:0': 7 });
    expect(t.since).toBe(10);
    expect(w.take()).toBeNull();

    w.add('outcomes:0', 8, [ev(7)], 20);
    w.putBack(t);
    const again = w.take()!;
    expect(again.events.map((e) => e.pos.offset)).toEqual([5, 6, 7]);
    expect(again.since).toBe(10);
    expect(again.read).toEqual({ 'outcomes:0': 8 });
  });

  it('moves the position past records the views never see, without events, and never backwards', () => {
    const w = new FlushWindow({ 'outcomes:0': 4 }, policy);
    w.advance('outcomes:0', 3, 0);
    expect(w.pending).toBe(false);
    w.advance('outcomes:0', 6, 50);
    expect(w.pending).toBe(true);
    expect(w.take()).toEqual({ events: [], read: { 'outcomes:0': 6 }, since: 50 });
  });

  it('a rebuild takes a small rest into its last window instead of writing it on its own', () => {
    const evs = (from: number, n: number) => Array.from({ length: n }, (_, i) => ev(from + i));
    const near = new FlushWindow({}, { maxEvents: 8, maxAgeMs: 10_000 }, { 'outcomes:0': 10 });
    near.add('outcomes:0', 8, evs(0, 8), 0);
    expect(near.full).toBe(false);
    near.add('outcomes:0', 10, evs(8, 2), 0);
    expect(near.due(1)).toBe(true);

    const far = new FlushWindow({}, { maxEvents: 8, maxAgeMs: 10_000 }, { 'outcomes:0': 100 });
    far.add('outcomes:0', 8, evs(0, 8), 0);
    expect(far.full).toBe(true);
  });

  it('a build that went live stops aiming at its targets', () => {
    const w = new FlushWindow({}, { maxEvents: 100, maxAgeMs: 10_000 }, { 'outcomes:0': 1 });
    w.add('outcomes:0', 1, [ev(0)], 0);
    expect(w.due(1)).toBe(true);
    w.retarget({ maxEvents: 100, maxAgeMs: 100 }, null);
    expect(w.due(1)).toBe(false);
    expect(w.due(100)).toBe(true);
  });
});
