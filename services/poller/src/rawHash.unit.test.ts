import { loadSyncConfig } from '@siaghsync/shared/mapping/syncConfig';
import { rawHash52 } from './rawHash';

const contact = {
  Code: 1001,
  tmpid: '1231',
  Name: 'علی کریمی',
  NationalCode: '0012345678',
  EconomicCode: '411111111111',
  RegisterNo: '12345',
  MobileNo: '09121234567',
  TelNo: '02188887777',
  Email: 'ali@example.ir',
  Address: 'تهران پلاک ۱۲',
  PostalCode: '1234567890',
  Description: null,
  IsActive: true,
  TowardType: false,
};

describe('rawHash52', () => {
  it('is a 52-bit integer, equal for equal content in another object', () => {
    const h = rawHash52(contact);
    expect(Number.isInteger(h)).toBe(true);
    expect(h).toBeGreaterThanOrEqual(0);
    expect(h).toBeLessThan(2 ** 52);
    expect(rawHash52(JSON.parse(JSON.stringify(contact)) as Record<string, unknown>)).toBe(h);
  });

  it('changes when any field the config maps to Siagh changes', () => {
    const config = loadSyncConfig();
    const getAllName: Record<string, string> = { fullname: 'name' };
    const mapped = [
      'tmpid',
      'towardtype',
      ...Object.values(config.fields).flatMap((r) => (r.siagh === null ? [] : [r.siagh])),
    ];
    for (const field of mapped) {
      const key = Object.keys(contact).find((k) => k.toLowerCase() === (getAllName[field] ?? field));
      expect([field, key]).toEqual([field, expect.any(String)]);
      const v = contact[key as keyof typeof contact];
      const changed = typeof v === 'boolean' ? !v : v === null ? 'x' : `${String(v)}1`;
      expect([field, rawHash52({ ...contact, [key!]: changed })]).not.toEqual([field, rawHash52(contact)]);
    }
  });

  it('changes when an unmapped field changes too (a missed edit costs more than a needless checksum)', () => {
    expect(rawHash52({ ...contact, IsAdminUser: true })).not.toBe(rawHash52(contact));
    expect(rawHash52({ ...contact, CityCode: 2 })).not.toBe(rawHash52({ ...contact, CityCode: 1 }));
  });

  it('tells apart values the mapping may read alike', () => {
    const hashes = ['1', 1, true, null, undefined, '', 0, false, { a: 1 }, [1]].map((v) =>
      rawHash52({ ...contact, Description: v }),
    );
    expect(new Set(hashes).size).toBe(hashes.length);
  });

  it('tells apart field boundaries, odd tails and absent fields', () => {
    expect(rawHash52({ A: 'ab', B: 'c' })).not.toBe(rawHash52({ A: 'a', B: 'bc' }));
    expect(rawHash52({ A: 'a' })).not.toBe(rawHash52({ A: 'a\u0000' }));
    expect(rawHash52({ A: 'abc' })).not.toBe(rawHash52({ A: 'abd' }));
    expect(rawHash52({ A: null })).not.toBe(rawHash52({}));
    expect(rawHash52({ Ab: 'c' })).not.toBe(rawHash52({ A: 'bc' }));
  });

  it('spreads single-character edits over distinct hashes', () => {
    const seen = new Set<number>();
    for (let i = 0; i < 2_000; i++) seen.add(rawHash52({ ...contact, MobileNo: `0912${i}` }));
    expect(seen.size).toBe(2_000);
  });
});
