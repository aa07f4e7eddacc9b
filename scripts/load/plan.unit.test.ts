import { generateDataset } from '../../simulators/data/generator';
import { nextOp, poolsFrom, rng, seededMaxCustomerNumber } from './plan';

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
    expect(pools).toEqual({ crm: ['a', 'b'], siagh: [10, 11], pairs: [['a', 10]] });
  });

  it('edits only the seeded customers, never a record a person created', () => {
    const seeded = poolsFrom(
      {
        identities: [
          { crmId: 'a', customerNumber: '100-3' },
          { crmId: 'p', customerNumber: '100-512345' },
        ],
      },
      {
        contacts: [
          { Code: 10, tmpid: '3' },
          { Code: 77, tmpid: '512345' },
        ],
      },
      4,
    );
    expect(seeded).toEqual({ crm: ['a'], siagh: [10], pairs: [['a', 10]] });
  });

  it('knows the highest customer number of the seeded dataset', () => {
    const d = generateDataset({ seed: 3, customers: 50, overlap: 0.6 });
    const numbers = [
      ...d.crm.identities.map((i) => Number(String(i.customerNumber).replace('100-', ''))),
      ...d.siagh.contacts.map((c) => Number(c.tmpid)),
    ];
    expect(Math.max(...numbers)).toBe(seededMaxCustomerNumber(50, 0.6));
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
