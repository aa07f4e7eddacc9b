import { nextOp, poolsFrom, rng } from './plan';

describe('load generator plan', () => {
  const pools = poolsFrom(
    {
      identities: [
        { crmId: 'a', customerNumber: '100-1' },
        { crmId: 'b', customerNumber: '100-2' },
        { crmId: 'c', customerNumber: null },
      ],
    },
    {
      contacts: [
        { Code: 1, tmpid: null, IsAdminUser: true },
        { Code: 10, tmpid: '1' },
        { Code: 11, tmpid: '99' },
      ],
    },
  );

  it('pairs records by customer number and leaves the admin user alone', () => {
    expect(pools).toEqual({ crm: ['a', 'b', 'c'], siagh: [10, 11], pairs: [['a', 10]] });
  });

  it('is repeatable from its seed and mixes single-side and both-sides edits', () => {
    const run = (seed: number) => {
      const r = rng(seed);
      return Array.from({ length: 200 }, () => nextOp(r, pools, 0.2));
    };
    expect(run(7)).toEqual(run(7));
    const ops = run(7);
    const kinds = new Set(ops.map((o) => o?.kind));
    expect(kinds).toEqual(new Set(['crm', 'siagh', 'both']));
    for (const o of ops.filter((x) => x?.kind === 'both')) {
      expect(o!.edits.map((e) => (e.side === 'crm' ? e.id : e.code))).toEqual(['a', 10]);
    }
  });

  it('does nothing when there is nothing to edit', () => {
    expect(nextOp(rng(1), { crm: [], siagh: [], pairs: [] }, 0.5)).toBeNull();
  });
});
