import fc from 'fast-check';
import { join } from 'node:path';
import { SyncError } from '../errors';
import { emptyCustomer, normalizeCustomer, stableStringify, type CanonicalCustomer } from './canonical';
import { parseCtrlValues, decodeCtrlValue } from './ctrlValues';
import { canonicalToCrm, crmToCanonical, crmUpdateBody } from './crm';
import { canonicalToSiaghCtrlValues, canonicalToSiaghPairs, siaghToCanonical } from './siagh';
import { sideChecksum, sideFields } from './sides';
import { loadSyncConfig } from './syncConfig';

const config = loadSyncConfig(join(__dirname, '../../../config/sync.default.yaml'));

const crmPerson = {
  crmId: '5f0c0000-0000-0000-0000-000000000001',
  identityType: 1,
  nickName: 'علي كريمي',
  firstName: 'علي',
  lastName: 'كريمي',
  email: 'Ali@Example.com',
  phoneContacts: [
    { default: true, phoneType: 'Mobile', phoneNumber: '+98 912 123 4567' },
    { default: false, phoneType: 'Phone', phoneNumber: '021-88776655' },
  ],
  addressContacts: [
    {
      default: true,
      country: 'ایران',
      state: null,
      city: 'تهران',
      address: 'خيابان آزادي',
      zipCode: '۱۲۳۴۵۶۷۸۹۰',
    },
  ],
  nationalCode: '0499370899',
  economicCode: null,
  customerNumber: '100-1231',
  description: null,
  tags: ['vip'],
};

/** Siagh's GetAll answer for a contact holding exactly what the form stored (ctrlValues as the server parses them). */
function siaghRecordFromForm(ctrlValues: string): Record<string, unknown> {
  const byName: Record<string, string> = {
    fullname: 'Name',
    tmpid: 'tmpid',
    isactive: 'IsActive',
    towardtype: 'TowardType',
  };
  const rec: Record<string, unknown> = { Code: 7, RecordId: 7 };
  for (const [field, value] of parseCtrlValues(ctrlValues)) {
    const name = field.replace('gn_web_users.', '');
    const key = byName[name] ?? name.charAt(0).toUpperCase() + name.slice(1);
    rec[key] = name === 'isactive' || name === 'towardtype' ? value === '1' : value;
  }
  return rec;
}

describe('CRM mapping', () => {
  it('reads a CRM person into the normalized canonical customer', () => {
    expect(crmToCanonical(crmPerson, 'person', config)).toEqual({
      ...emptyCustomer('person'),
      customerNumber: 1231,
      name: 'علی کریمی',
      firstName: 'علی',
      lastName: 'کریمی',
      email: 'ali@example.com',
      mobile: '09121234567',
      phone: '02188776655',
      address: 'خیابان آزادی',
      postalCode: '1234567890',
      city: 'تهران',
      nationalCode: '0499370899',
    });
  });

  it('writes back over the existing record, keeping unmapped properties', () => {
    const c = { ...crmToCanonical(crmPerson, 'person', config), mobile: '09350000000', phone: '' };
    const body = canonicalToCrm(c, config, crmPerson);
    expect(body.tags).toEqual(['vip']);
    expect(body.phoneContacts).toEqual([{ default: true, phoneType: 'Mobile', phoneNumber: '09350000000' }]);
    expect(body.customerNumber).toBe('100-1231');
    expect(crmToCanonical(body, 'person', config)).toEqual(c);
  });

  it('creates phone and address entries for a new record', () => {
    const c: CanonicalCustomer = {
      ...emptyCustomer('organization'),
      customerNumber: 5,
      name: 'شرکت نمونه',
      phone: '02144556677',
      registerNumber: '1234',
    };
    const body = canonicalToCrm(c, config);
    expect(body.phoneContacts).toEqual([{ default: true, phoneType: 'Phone', phoneNumber: '02144556677' }]);
    expect(body.nickName).toBe('شرکت نمونه');
    expect(body).not.toHaveProperty('firstName');
    expect(crmToCanonical(body, 'organization', config)).toEqual(c);
  });

  it('falls back to first and last name when a person has no display name', () => {
    expect(crmToCanonical({ firstName: 'سارا', lastName: 'احمدی' }, 'person', config).name).toBe(
      'سارا احمدی',
    );
  });
});

describe('CRM update body', () => {
  const read = crmToCanonical(crmPerson, 'person', config);

  it('changed-fields: only the properties holding a changed field, nothing else of the record', () => {
    const c = { ...read, email: 'new@example.com', description: 'یادداشت' };
    const body = crmUpdateBody(c, config, crmPerson, ['email', 'description'], 'changed-fields');
    expect(body).toEqual({ email: 'new@example.com', description: 'یادداشت' });
  });

  it('changed-fields: a phone change sends the whole list, the other entries as just read', () => {
    const c = { ...read, mobile: '09350000000' };
    const body = crmUpdateBody(c, config, crmPerson, ['mobile'], 'changed-fields');
    expect(Object.keys(body)).toEqual(['phoneContacts']);
    expect(body.phoneContacts).toEqual([
      { default: true, phoneType: 'Mobile', phoneNumber: '09350000000' },
      { default: false, phoneType: 'Phone', phoneNumber: '021-88776655' },
    ]);
  });

  it('changed-fields: a field that does not flow to the CRM is not sent even if named', () => {
    const readOnly = Object.values(config.fields).filter(
      (r) => r.crm !== null && (r.direction === 'none' || r.direction === 'crm-to-siagh'),
    );
    expect(readOnly.map((r) => r.field)).toEqual(expect.arrayContaining(['firstName', 'city']));
    for (const rule of readOnly) {
      expect(crmUpdateBody(read, config, crmPerson, [rule.field], 'changed-fields')).toEqual({});
    }
  });

  it('whole-record: every property as just read plus the change', () => {
    const c = { ...read, email: 'new@example.com' };
    const body = crmUpdateBody(c, config, crmPerson, ['email'], 'whole-record');
    expect(body).toEqual(canonicalToCrm(c, config, crmPerson));
    expect(body.tags).toEqual(['vip']);
  });

  it('all: every field that flows to the CRM (a create that found its record already there)', () => {
    const body = crmUpdateBody(read, config, crmPerson, 'all', 'changed-fields');
    expect(body).not.toHaveProperty('tags');
    expect(body).not.toHaveProperty('crmId');
    expect(body).toMatchObject({ nickName: 'علی کریمی', email: 'ali@example.com' });
  });
});

describe('Siagh mapping', () => {
  const c: CanonicalCustomer = {
    ...emptyCustomer('organization'),
    customerNumber: 1231,
    name: 'شرکت | نمونه = یک',
    mobile: '09121234567',
    phone: '02188776655',
    email: 'a@b.co',
    description: 'x=y',
    active: false,
  };

  it('builds the form pairs with tmpid, towardtype and flags', () => {
    const pairs = Object.fromEntries(canonicalToSiaghPairs(c, config, 'create'));
    expect(pairs).toMatchObject({
      'gn_web_users.tmpid': '1231',
      'gn_web_users.towardtype': '1',
      'gn_web_users.isactive': '0',
      'gn_web_users.mobileno': '09121234567',
      'gn_web_users.fullname': 'شرکت | نمونه = یک',
    });
    expect(Object.keys(pairs)).not.toContain('gn_web_users.firstname');
    expect(Object.keys(pairs)).toContain('gn_web_users.isactive');
  });

  it('an update only sends fields that flow to Siagh', () => {
    const fields = canonicalToSiaghPairs(c, config, 'update').map(([f]) => f);
    expect(fields).not.toContain('gn_web_users.isactive'); // active: direction none
    expect(fields).toContain('gn_web_users.telno');
  });

  it('an update of some fields sends only those (and the key), leaving the others as Siagh has them', () => {
    const fields = canonicalToSiaghPairs(c, config, 'update', ['email']).map(([f]) => f);
    expect(fields).toEqual(['gn_web_users.tmpid', 'gn_web_users.towardtype', 'gn_web_users.email']);
  });

  it('reads a GetAll record', () => {
    const rec = {
      Code: 12,
      tmpid: '1231',
      Name: 'علي',
      MobileNo: '9121234567',
      TelNo: null,
      Email: 'A@B.CO',
      IsActive: true,
      TowardType: false,
    };
    expect(siaghToCanonical(rec, config)).toEqual({
      ...emptyCustomer('person'),
      customerNumber: 1231,
      name: 'علی',
      mobile: '09121234567',
      email: 'a@b.co',
    });
  });

  it('canonical -> Siagh form -> GetAll -> canonical is stable (property)', () => {
    const text = fc.oneof(
      fc.string({ maxLength: 15 }),
      fc.constantFrom('a|b', 'x=y', 'علي | كريمي', '٠٩١٢', ''),
    );
    const customer = fc.record({
      customerNumber: fc.oneof(fc.constant(null), fc.nat()),
      kind: fc.constantFrom('person' as const, 'organization' as const),
      name: text,
      nationalCode: text,
      mobile: text,
      phone: text,
      email: text,
      address: text,
      postalCode: text,
      description: text,
      active: fc.boolean(),
    });
    fc.assert(
      fc.property(customer, (fields) => {
        const original = normalizeCustomer({ ...emptyCustomer(), ...fields });
        let ctrl: string;
        try {
          ctrl = canonicalToSiaghCtrlValues(original, config, 'create');
        } catch (e) {
          return e instanceof SyncError && e.code === 'SIAGH_UNSAFE_VALUE';
        }
        const back = siaghToCanonical(siaghRecordFromForm(ctrl), config);
        const fieldsOnSiagh = sideFields(config, 'siagh');
        return (
          sideChecksum(back, config, 'siagh') === sideChecksum(original, config, 'siagh') &&
          fieldsOnSiagh.every((f) => stableStringify(back[f]) === stableStringify(original[f]))
        );
      }),
      { numRuns: 2000 },
    );
  });

  it('free text with | and = survives the form', () => {
    const ctrl = canonicalToSiaghCtrlValues(c, config, 'create');
    const parsed = new Map(parseCtrlValues(ctrl));
    expect(parsed.size).toBe(canonicalToSiaghPairs(c, config, 'create').length);
    expect(decodeCtrlValue(parsed.get('gn_web_users.fullname') ?? '')).toBe('شرکت | نمونه = یک');
    expect(siaghToCanonical(siaghRecordFromForm(ctrl), config).name).toBe('شرکت | نمونه = یک');
  });

  it('CRM -> canonical -> Siagh -> canonical keeps every field both sides carry', () => {
    const fromCrm = crmToCanonical(crmPerson, 'person', config);
    const fromSiagh = siaghToCanonical(
      siaghRecordFromForm(canonicalToSiaghCtrlValues(fromCrm, config, 'create')),
      config,
    );
    expect(sideChecksum(fromSiagh, config, 'siagh')).toBe(sideChecksum(fromCrm, config, 'siagh'));
    expect(sideChecksum(fromSiagh, config, 'crm')).not.toBe(sideChecksum(fromCrm, config, 'crm')); // first/last names are CRM-only
  });
});
