import { generateDataset } from './generator';
import { isValidLegalId, isValidNationalCode } from './nationalCode';
import { normalizePersian } from './persian';

describe('generateDataset', () => {
  it('is deterministic: same options, same data', () => {
    const a = generateDataset({ seed: 42, customers: 300, overlap: 0.5, divergentRate: 0.3, quotes: 50 });
    const b = generateDataset({ seed: 42, customers: 300, overlap: 0.5, divergentRate: 0.3, quotes: 50 });
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    const c = generateDataset({ seed: 43, customers: 300, overlap: 0.5, divergentRate: 0.3, quotes: 50 });
    expect(JSON.stringify(c.crm.identities)).not.toBe(JSON.stringify(a.crm.identities));
  });

  it('gives both sides the chosen overlap by customer number, with recorded divergences', () => {
    const ds = generateDataset({ seed: 7, customers: 1000, overlap: 0.4, divergentRate: 0.25 });
    expect(ds.crm.identities).toHaveLength(1000);
    expect(ds.siagh.contacts).toHaveLength(1000);
    const crmNos = new Set(ds.crm.identities.map((i) => Number(i.customerNumber?.replace('100-', ''))));
    const shared = ds.siagh.contacts.filter((c) => crmNos.has(Number(c.tmpid)));
    expect(shared).toHaveLength(400);
    expect(ds.overlapping).toHaveLength(400);
    // ~25% of the 400 pairs diverge; the seeded stream makes the exact count stable.
    expect(ds.divergences.length).toBeGreaterThan(60);
    expect(ds.divergences.length).toBeLessThan(140);
    for (const d of ds.divergences) {
      const s = ds.siagh.contacts.find((c) => c.tmpid === String(d.customerNo));
      expect(s?.[d.field]).toBe(d.siagh);
      expect(normalizePersian(String(d.siagh))).not.toBe(normalizePersian(String(d.crm)));
    }
  });

  it('renders a non-divergent pair with only cosmetic differences', () => {
    const ds = generateDataset({ seed: 3, customers: 200, overlap: 1, divergentRate: 0 });
    for (const s of ds.siagh.contacts) {
      const crm = ds.crm.identities.find((i) => i.customerNumber === `100-${s.tmpid}`);
      expect(crm).toBeDefined();
      expect(normalizePersian(s.Name)).toBe(normalizePersian(crm?.nickName ?? ''));
      expect(normalizePersian(s.MobileNo ?? '')).toBe(
        normalizePersian(crm?.phoneContacts[0]?.phoneNumber ?? ''),
      );
      expect(s.TowardType).toBe(crm?.identityType === 2);
    }
  });

  it('makes realistic, unique and valid values at 100k scale', () => {
    const ds = generateDataset({ seed: 1, customers: 100_000, overlap: 0.5, quotes: 1000 });
    const contacts = ds.siagh.contacts;
    expect(contacts).toHaveLength(100_000);
    expect(new Set(contacts.map((c) => normalizePersian(c.MobileNo ?? ''))).size).toBe(100_000);
    expect(new Set(contacts.map((c) => normalizePersian(c.TelNo ?? ''))).size).toBe(100_000);
    expect(new Set(contacts.map((c) => c.Code)).size).toBe(100_000);
    for (const i of ds.crm.identities.slice(0, 2000)) {
      const code = normalizePersian(i.nationalCode ?? '');
      expect(i.identityType === 1 ? isValidNationalCode(code) : isValidLegalId(code)).toBe(true);
      expect(normalizePersian(i.phoneContacts[0]?.phoneNumber ?? '')).toMatch(/^09\d{9}$/);
    }
    const text = JSON.stringify(ds.crm.identities.slice(0, 2000));
    expect(text).toMatch(/[يك]/); // Arabic letter forms
    expect(text).toMatch(/[یک]/); // Persian letter forms
    expect(text).toMatch(/[۰-۹]/); // Persian digits
    expect(text).toMatch(/[٠-٩]/); // Arabic-Indic digits
    expect(ds.crm.quotes).toHaveLength(1000);
    const ids = new Set(ds.crm.identities.map((i) => i.crmId));
    for (const q of ds.crm.quotes) {
      expect(ids.has(q.identityId)).toBe(true);
      expect(q.details.length).toBeGreaterThan(0);
      expect(q.finalValue).toBe(q.totalValue - q.discount + q.vat + q.toll);
    }
  });
});
