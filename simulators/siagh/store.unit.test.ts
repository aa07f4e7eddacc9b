import fc from 'fast-check';
import { SimClock } from '../common/clock';
import { matchFilter, SiaghStore } from './store';

// GetAll's filter is answered from the Code and tmpid indexes where it names them; the answer must be
// the scan's, row for row and in the same order, whatever the table went through.

type Op =
  | { op: 'create'; tmpid: string | null; mobile: string | null }
  | { op: 'update'; pick: number; tmpid: string | null }
  | { op: 'delete'; pick: number };

const tmpid = fc.oneof(fc.constant(null), fc.constantFrom('12', '13', '0012', 'AB', 'ab', ''));
const ops = fc.array(
  fc.oneof(
    {
      weight: 3,
      arbitrary: fc.record({
        op: fc.constant('create' as const),
        tmpid,
        mobile: fc.constantFrom(null, '0912', '0913'),
      }),
    },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('update' as const), pick: fc.nat(40), tmpid }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('delete' as const), pick: fc.nat(40) }) },
  ),
  { maxLength: 40 },
);
const value = fc.oneof(
  fc.constantFrom('12', '13', '0012', 'ab', 'AB', '', '0912', '1001', '1002', '01001', '1001.0', '0'),
  fc.constantFrom(1001, 1003, 12, null),
);
const filter = fc.oneof(
  fc.record({ tmpid: value }),
  fc.record({ Code: value }),
  fc.dictionary(
    fc.constantFrom('Code', 'code', 'CODE', 'tmpid', 'TmpId', 'MobileNo', 'NoSuchColumn'),
    value,
    {
      maxKeys: 3,
    },
  ),
);

function apply(store: SiaghStore, list: Op[]): void {
  for (const o of list) {
    const codes = [...store.contacts.keys()];
    if (o.op === 'create') store.createContact({ tmpid: o.tmpid, MobileNo: o.mobile, Name: 'n' });
    else if (codes.length === 0) continue;
    else if (o.op === 'update') store.updateContact(codes[o.pick % codes.length]!, { tmpid: o.tmpid });
    else store.deleteContact(codes[o.pick % codes.length]!);
  }
}

describe('the Siagh simulator answers a filtered GetAll from its indexes as a scan would', () => {
  it('the same rows in the same order, for Code, tmpid and any other filter', () => {
    fc.assert(
      fc.property(ops, fc.array(filter, { minLength: 1, maxLength: 8 }), (list, filters) => {
        const store = new SiaghStore(new SimClock(0));
        apply(store, list);
        for (const f of filters)
          expect(store.findContacts(f)).toEqual(matchFilter([...store.contacts.values()], f));
      }),
      { numRuns: 300 },
    );
  });

  it('finds by customer number and by Code in a large table', () => {
    const store = new SiaghStore(new SimClock(0));
    for (let n = 0; n < 5000; n++) store.createContact({ tmpid: String(n), Name: `c${n}` });
    const c = store.findContacts({ tmpid: '4321' });
    expect(c.map((x) => x.Name)).toEqual(['c4321']);
    expect(store.findContacts({ Code: c[0]!.Code })).toEqual(c);
    store.updateContact(c[0]!.Code, { tmpid: '99999' });
    expect(store.findContacts({ tmpid: '4321' })).toEqual([]);
    expect(store.findContacts({ tmpid: '99999', Code: c[0]!.Code }).map((x) => x.Name)).toEqual(['c4321']);
  });
});
