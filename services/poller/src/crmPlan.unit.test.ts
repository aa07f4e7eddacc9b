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

  it('re-checks at most maxReconcile known ids a sweep, going on where the last sweep stopped', () => {
    const many = Array.from({ length: 100 }, (_, i) => `id-${String(i).padStart(3, '0')}`);
    const p1 = planCrmSweep(many, () => true, 0, 10, 4);
    expect(p1.fetch).toEqual(['id-000', 'id-001', 'id-002', 'id-003']);
    expect(p1.reconciled).toBe(4);
    const p2 = planCrmSweep(many, () => true, p1.nextCursor, 10, 4);
    expect(p2.fetch[0]).toBe('id-004');
    // New ids are never held back by the bound.
    const withNew = planCrmSweep([...many, 'zz-1', 'zz-2'], (id) => id.startsWith('id-'), 0, 10, 1);
    expect(withNew.fetch).toEqual(['zz-1', 'zz-2', 'id-000']);
    // 0: no reconcile at all, only new ids.
    expect(planCrmSweep(many, () => true, 0, 1, 0).fetch).toEqual([]);
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
