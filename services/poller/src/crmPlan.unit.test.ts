import { mapPool, planCrmSweep } from './crmPlan';

describe('planCrmSweep', () => {
  const listed = ['a', 'b', 'c', 'd', 'e', 'f'];
  const tracked = new Set(['a', 'b', 'c', 'd', 'e']);

  it('fetches every new id plus a round-robin slice of known ids', () => {
    const p1 = planCrmSweep(listed, (id) => tracked.has(id), 0, 2);
    expect(p1.fetch).toEqual(['f', 'a', 'b', 'c']);
    const p2 = planCrmSweep(listed, (id) => tracked.has(id), p1.nextCursor, 2);
    expect(p2.fetch).toEqual(['f', 'd', 'e', 'a']);
  });

  it('reconcileSweeps=1 re-checks everything every sweep', () => {
    expect(planCrmSweep(listed, (id) => tracked.has(id), 3, 1).fetch.sort()).toEqual(listed);
  });

  it('covers every known id within reconcileSweeps sweeps', () => {
    let cursor = 0;
    const seen = new Set<string>();
    for (let i = 0; i < 3; i++) {
      const p = planCrmSweep(listed, () => true, cursor, 3);
      p.fetch.forEach((id) => seen.add(id));
      cursor = p.nextCursor;
    }
    expect(seen.size).toBe(listed.length);
  });
});

describe('mapPool', () => {
  it('keeps order and bounds concurrency', async () => {
    let inFlight = 0;
    let peak = 0;
    const out = await mapPool([1, 2, 3, 4, 5, 6, 7], 3, async (n) => {
      peak = Math.max(peak, ++inFlight);
      await new Promise((r) => setTimeout(r, 5));
      inFlight--;
      return n * 2;
    });
    expect(out).toEqual([2, 4, 6, 8, 10, 12, 14]);
    expect(peak).toBe(3);
  });
});
