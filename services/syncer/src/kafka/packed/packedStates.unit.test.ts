import { sampleChange, sampleWork } from '../../../../../test/fixtures/events';
import { customer } from '../../../test/spec';
import { initialState, type EntityState } from '../../decide/state';
import { PackedStates } from './packedStates';

// With room for one decoded state, every other read decodes its packed record: these tests see the
// packed form, not the copy a set() left behind.
const coldTable = () => new PackedStates(1);
const evict = (t: PackedStates) => t.set('other', initialState('other'));

const full = (key: string): EntityState => ({
  ...initialState(key),
  version: 41,
  generation: 7,
  kind: 'organization',
  crm: {
    id: '5F0C2B8E-7D1A-4C55-9A0E-3F7B2D9C1A11',
    written: 'ab'.repeat(32),
    seen: 'ab'.repeat(32),
    deleted: true,
    knownAt: 1_764_000_000_123,
  },
  siagh: { id: '000123', written: 'ABCDEF0123456789', seen: null, deleted: false, knownAt: 1_700_000 },
  base: customer({ address: 'تهران، خیابان ولیعصر، کوچه‌ی ۱۲ 🏠', description: 'line\nbreak\ttab' }),
  fieldTimes: { crm: { mobile: 1_764_000_000_000, name: 1_763_000_000_000 }, siagh: { email: 1 } },
  openConflicts: [
    {
      conflictId: 'c-9',
      field: 'mobile',
      crmValue: '09121234567',
      siaghValue: { nested: [1, -2, 2.5, null, true, 'x'] },
      baseValue: undefined,
      policy: 'manual',
      detectedAt: 1_764_000_000_999,
    },
  ],
  pending: [
    sampleWork(),
    sampleWork({
      kind: 'redrive',
      redriveOf: 'retry',
      // As JSON.parse makes it: "__proto__" an own key, not the prototype.
      change: sampleChange({
        attributes: JSON.parse('{"__proto__":"not a prototype","a\\u0000b":"c"}') as Record<string, string>,
      }),
    }),
  ],
  updatedAt: 1_764_000_001_000,
  preInvoice: {
    sent: 'f'.repeat(32),
    waitingFor: 'crm:5f0c2b8e-7d1a-4c55-9a0e-3f7b2d9c1a11',
    customerCrmId: null,
    fiscalYear: 1404,
    documentDate: '1404/08/21',
  },
});

describe('PackedStates: a state comes back exactly as it was set', () => {
  it('round-trips every part of a state: sides, base, times, conflicts, parked events, pre-invoice extra', () => {
    const t = coldTable();
    const s = full('preinvoice:q-77');
    t.set(s.canonicalKey, s);
    evict(t);
    const back = t.get(s.canonicalKey);
    expect(back).not.toBe(s);
    expect(back).toStrictEqual(s);
    expect(Object.getPrototypeOf(back?.pending[1]?.change?.attributes)).toBe(Object.prototype);
    expect(Object.keys(back?.pending[1]?.change?.attributes ?? {})).toEqual(['__proto__', 'a\u0000b']);
  });

  it('keeps absent optional fields absent and key order as it was', () => {
    const t = coldTable();
    const s = { ...initialState('customer:12'), crm: { deleted: false, seen: null, written: null, id: 'x' } };
    t.set('customer:12', s);
    evict(t);
    const back = t.get('customer:12');
    expect(back).toStrictEqual(s);
    expect(Object.keys(back?.crm ?? {})).toEqual(['deleted', 'seen', 'written', 'id']);
    expect('knownAt' in (back?.siagh ?? {})).toBe(false);
  });

  it.each([
    ['small and large integers', [0, 223, 224, 65_535, 2 ** 31, 2 ** 53 - 1, -1, -(2 ** 40)]],
    ['times out of order', [1_764_000_000_000, 1_600_000_000_000, 999_999_999_999_999, 1e11]],
    ['floats and odd numbers', [0.1, -0, NaN, Infinity, -Infinity, 1e300, 2 ** 53]],
    ['strings of each form', ['', '0', '007', '1234567', 'deadbeef', 'DEADBEEF', 'deadbee', 'aB', 'crm']],
    ['text', ['سلام', 'علی‌رضا', 'naïve', '𝄞', 'mixed فارسی and ascii', 'a'.repeat(5000)]],
  ])('round-trips %s', (_what, values: unknown[]) => {
    const t = coldTable();
    const s = { ...initialState('customer:5'), openConflicts: [{ values }] } as unknown as EntityState;
    t.set('customer:5', s);
    evict(t);
    expect(t.get('customer:5')).toStrictEqual(s);
  });

  it('holds objects of more shapes than it interns (keys from data)', () => {
    const t = coldTable();
    const states = Array.from({ length: 5000 }, (_, i) => ({
      ...initialState(`customer:${i + 1}`),
      fieldTimes: { crm: { [`k${i}`]: i }, siagh: {} },
    })) as unknown as EntityState[];
    for (const s of states) t.set(s.canonicalKey, s);
    for (const s of states) expect(t.get(s.canonicalKey)).toStrictEqual(s);
  });

  it('keeps keys that are not a plain customer number as they are', () => {
    const t = coldTable();
    const keys = [
      'customer:007',
      'customer:0',
      'customer:1234567890',
      'customer:',
      'preinvoice:1',
      'customer:42',
    ];
    for (const key of keys) t.set(key, { ...initialState(key), version: key.length });
    expect(t.size).toBe(keys.length);
    for (const key of keys) expect(t.get(key)).toStrictEqual({ ...initialState(key), version: key.length });
    expect([...t.entries()].map(([k]) => k).sort()).toEqual([...keys].sort());
    expect(t.get('customer:42 ')).toBeUndefined();
    expect(t.has('customer:07')).toBe(false);
  });

  it('reads the version without decoding, and finds parked entities by their flags', () => {
    const t = coldTable();
    t.set('customer:1', { ...initialState('customer:1'), version: 300, generation: -1 });
    t.set('customer:2', full('customer:2'));
    evict(t);
    expect(t.version('customer:1')).toEqual({ generation: -1, version: 300 });
    expect(t.version('customer:3')).toBeUndefined();
    expect([...t.parked()].map(([k]) => k)).toEqual(['customer:2']);
  });

  it('refuses a version it could not order', () => {
    expect(() => coldTable().set('customer:1', { ...initialState('customer:1'), version: 1.5 })).toThrow(
      TypeError,
    );
  });
});
