import fc from 'fast-check';
import { SimClock } from '../common/clock';
import { CrmStore } from './store';
import { defaultSubtypes, type CrmIdentity, type IdentityType } from './types';

// The list endpoints page through the identities in insertion order. The store answers a page without
// a search term from its kept order (listOrder.ts); the answer must be the one a walk over the map gives,
// row for row, whatever the store went through (creates, seeding, updates, deletes, a clear).

type Op =
  | { op: 'create'; type: IdentityType }
  | { op: 'load'; type: IdentityType; reuse: number | null }
  | { op: 'update'; pick: number }
  | { op: 'delete'; pick: number }
  | { op: 'clear' };

const type = fc.constantFrom(1 as const, 2 as const);
const ops = fc.array(
  fc.oneof(
    { weight: 40, arbitrary: fc.record({ op: fc.constant('create' as const), type }) },
    {
      weight: 10,
      arbitrary: fc.record({
        op: fc.constant('load' as const),
        type,
        reuse: fc.oneof(fc.constant(null), fc.nat(30)),
      }),
    },
    { weight: 20, arbitrary: fc.record({ op: fc.constant('update' as const), pick: fc.nat(30) }) },
    { weight: 10, arbitrary: fc.record({ op: fc.constant('delete' as const), pick: fc.nat(30) }) },
    { weight: 1, arbitrary: fc.constant({ op: 'clear' as const }) },
  ),
  { maxLength: 60 },
);
interface Query {
  identityType: 1 | 2 | null | undefined;
  pageSize: number | undefined;
  pageNumber: number | undefined;
}
const query: fc.Arbitrary<Query> = fc.record({
  identityType: fc.constantFrom(1 as const, 2 as const, null, undefined),
  pageSize: fc.option(fc.integer({ min: 1, max: 7 }), { nil: undefined }),
  pageNumber: fc.option(fc.nat(12), { nil: undefined }),
});

function apply(store: CrmStore, list: Op[]): void {
  let n = 0;
  for (const o of list) {
    const ids = [...store.identities.keys()];
    const pick = (k: number) => ids[k % ids.length]!;
    if (o.op === 'create') store.create(o.type, { nickName: `n${n++}` }, false);
    else if (o.op === 'load') {
      const crmId = o.reuse !== null && ids.length > 0 ? pick(o.reuse) : `seed-${n++}`;
      const existing = store.identities.get(crmId);
      store.load([{ ...(existing ?? seedOf(store, crmId, o.type)), nickName: `l${n++}` }]);
    } else if (o.op === 'clear') store.clear();
    else if (ids.length === 0) continue;
    else if (o.op === 'update') store.update(pick(o.pick), undefined, { nickName: `u${n++}` });
    else store.delete(pick(o.pick));
  }
}

/** A seeded identity shaped like one the store created (the store fills every field on create). */
function seedOf(store: CrmStore, crmId: string, t: IdentityType): CrmIdentity {
  const scratch = new CrmStore(new SimClock(0), defaultSubtypes);
  const made = scratch.create(t, { nickName: 'seed' }, false);
  if (!made.ok) throw new Error(made.message);
  return { ...made.value, crmId };
}

/** The list as a walk over the map in insertion order gives it. */
function walk(store: CrmStore, q: Query): string[] {
  const rows = [...store.identities.values()].filter(
    (i) => q.identityType == null || i.identityType === q.identityType,
  );
  if (q.pageSize === undefined) return rows.map((i) => i.crmId);
  const from = (q.pageNumber ?? 0) * q.pageSize;
  return rows.slice(from, from + q.pageSize).map((i) => i.crmId);
}

describe('the CRM simulator pages its identities from a kept insertion order', () => {
  it('the same rows in the same order as a walk over the map, whatever the store went through', () => {
    fc.assert(
      fc.property(ops, fc.array(query, { minLength: 1, maxLength: 6 }), ops, (before, queries, after) => {
        const store = new CrmStore(new SimClock(0), defaultSubtypes);
        apply(store, before);
        for (const q of queries) expect(store.list(q).map((i) => i.crmId)).toEqual(walk(store, q));
        // Again after more changes: a page read in between must not leave a stale order behind.
        apply(store, after);
        for (const q of queries) expect(store.list(q).map((i) => i.crmId)).toEqual(walk(store, q));
      }),
      { numRuns: 300 },
    );
  });

  it('a full pass in pages sees every identity exactly once', () => {
    const store = new CrmStore(new SimClock(0), defaultSubtypes);
    for (let k = 0; k < 250; k++) store.create(k % 3 === 0 ? 2 : 1, { nickName: `p${k}` }, false);
    store.delete([...store.identities.keys()][10]!);
    const seen: string[] = [];
    for (let page = 0; ; page++) {
      const rows = store.list({ identityType: 1, pageSize: 25, pageNumber: page });
      seen.push(...rows.map((i) => i.crmId));
      if (rows.length < 25) break;
    }
    const persons = [...store.identities.values()].filter((i) => i.identityType === 1).map((i) => i.crmId);
    expect(seen).toEqual(persons);
    expect(new Set(seen).size).toBe(seen.length);
  });
});
