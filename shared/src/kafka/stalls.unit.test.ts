import type { GroupLag } from './lag';
import { groupHealth, observeLags, type Watches } from './stalls';

const group = (name: string, parts: { p: number; committed: number | null; end: number }[]): GroupLag => {
  const partitions = parts.map(({ p, committed, end }) => ({
    group: name,
    topic: 'changes',
    partition: p,
    committed,
    end,
    lag: end - (committed ?? 0),
  }));
  return {
    group: name,
    state: 'Stable',
    members: 1,
    lag: partitions.reduce((n, x) => n + x.lag, 0),
    partitions,
  };
};

/** Feeds samples at the given times and returns the last health. */
function run(samples: [number, GroupLag[]][], stallAfterMs = 60_000) {
  let w: Watches = new Map();
  for (const [t, g] of samples) w = observeLags(w, g, t);
  const [t, g] = samples.at(-1)!;
  return groupHealth(g, w, t, stallAfterMs);
}

describe('stalls seen from offsets', () => {
  it('a partition with lag whose offset stands still for the stall time is stalled, since it last moved', () => {
    const h = run([
      [0, [group('router', [{ p: 0, committed: 10, end: 50 }])]],
      [30_000, [group('router', [{ p: 0, committed: 20, end: 80 }])]],
      [70_000, [group('router', [{ p: 0, committed: 20, end: 90 }])]],
      [95_000, [group('router', [{ p: 0, committed: 20, end: 95 }])]],
    ]);
    expect(h[0]!.stalled).toEqual([{ topic: 'changes', partition: 0, lag: 75, since: 30_000 }]);
    expect(h[0]!.behindSeconds).toBe(95);
  });

  it('a partition that keeps moving is not stalled however long it has lag', () => {
    const samples: [number, GroupLag[]][] = [];
    for (let t = 0; t <= 300_000; t += 10_000)
      samples.push([t, [group('syncer', [{ p: 0, committed: t / 100, end: t / 100 + 500 }])]]);
    const h = run(samples);
    expect(h[0]!.stalled).toEqual([]);
    // 500 records behind at 10 a second: its oldest unconsumed record arrived 40 to 50 s ago, and was
    // first seen in the sample 40 s ago. Not the 300 s its lag has been above zero.
    expect(h[0]!.behindSeconds).toBe(40);
  });

  it('steady traffic with a few records always in flight is seconds behind, not as long as the traffic lasts', () => {
    // Every 10 s: 20 new records and their transaction's marker; the consumer is always 3 records short.
    const samples: [number, GroupLag[]][] = [];
    for (let t = 0, end = 100; t <= 600_000; t += 10_000, end += 21)
      samples.push([t, [group('syncer', [{ p: 0, committed: end - 3, end }])]]);
    const h = run(samples);
    expect(h[0]!.stalled).toEqual([]);
    expect(h[0]!.behindSeconds).toBe(0);
    // The same partition standing still from then on: behind since its oldest waiting record was seen.
    const last = samples.at(-1)![0];
    samples.push([last + 10_000, [group('syncer', [{ p: 0, committed: 1357, end: 1370 }])]]);
    samples.push([last + 30_000, [group('syncer', [{ p: 0, committed: 1357, end: 1380 }])]]);
    expect(run(samples)[0]!.behindSeconds).toBe(30);
  });

  it('a quiet partition whose offset rested for hours is not stalled by the first record that arrives', () => {
    const h = run([
      [0, [group('projector', [{ p: 1, committed: 7, end: 7 }])]],
      [3_600_000, [group('projector', [{ p: 1, committed: 7, end: 7 }])]],
      [3_610_000, [group('projector', [{ p: 1, committed: 7, end: 8 }])]],
    ]);
    expect(h[0]!.stalled).toEqual([]);
    expect(h[0]!.behindSeconds).toBe(0);
  });

  it("a transaction's commit marker after the last record (lag 1, nothing arriving) is neither work nor a stall", () => {
    const samples: [number, GroupLag[]][] = [];
    for (let t = 0; t <= 600_000; t += 10_000)
      samples.push([t, [group('syncer', [{ p: 0, committed: 917, end: 918 }])]]);
    expect(run(samples)[0]).toMatchObject({ lag: 1, behindSeconds: 0, stalled: [] });
    // One record that arrives and is not taken is work, lag 2 from the start too.
    samples.push([610_000, [group('syncer', [{ p: 0, committed: 917, end: 920 }])]]);
    samples.push([700_000, [group('syncer', [{ p: 0, committed: 917, end: 920 }])]]);
    expect(run(samples)[0]!.stalled).toEqual([{ topic: 'changes', partition: 0, lag: 3, since: 610_000 }]);
  });

  it('caught up resets how long the group has been behind', () => {
    const h = run([
      [0, [group('poller', [{ p: 0, committed: 1, end: 5 }])]],
      [10_000, [group('poller', [{ p: 0, committed: 5, end: 5 }])]],
      [20_000, [group('poller', [{ p: 0, committed: 5, end: 6 }])]],
      [25_000, [group('poller', [{ p: 0, committed: 5, end: 6 }])]],
    ]);
    expect(h[0]!.behindSeconds).toBe(5);
    expect(h[0]!.lag).toBe(1);
  });

  it('each group is judged on its own partitions', () => {
    const h = run(
      [
        [0, [group('a', [{ p: 0, committed: 0, end: 9 }]), group('b', [{ p: 0, committed: 0, end: 9 }])]],
        [
          61_000,
          [group('a', [{ p: 0, committed: 0, end: 9 }]), group('b', [{ p: 0, committed: 4, end: 9 }])],
        ],
      ],
      60_000,
    );
    expect(h.map((g) => [g.group, g.stalled.length])).toEqual([
      ['a', 1],
      ['b', 0],
    ]);
  });
});
