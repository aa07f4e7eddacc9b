import { loadSyncConfig, parseSyncConfig } from '@siaghsync/shared/mapping/syncConfig';
import { parse } from 'yaml';
import fs from 'node:fs';
import path from 'node:path';
import { absentInSample, configRows } from './configCheck';

const FILE = path.join(__dirname, '..', '..', 'config', 'sync.default.yaml');
const person = {
  nickName: 'علی رضایی',
  firstName: 'علی',
  lastName: 'رضایی',
  nationalCode: null,
  economicCode: null,
  registerNumber: null,
  email: 'a@example.com',
  description: '',
  phoneContacts: [
    { default: true, phoneType: 'Mobile', phoneNumber: '09121234567' },
    { default: false, phoneType: 'Phone', phoneNumber: '02188776655' },
  ],
  addressContacts: [{ default: true, address: 'تهران', zipCode: '1234567890', city: 'تهران' }],
};
const contact = {
  Code: 1001,
  Name: 'علی رضایی',
  NationalCode: '',
  EconomicCode: '',
  RegisterNo: '',
  MobileNo: '09121234567',
  TelNo: '',
  Email: 'a@example.com',
  Address: '',
  PostalCode: '',
  Description: '',
  IsActive: true,
};

/** The default mapping with some paths misspelt, as an operator might. */
function misspelt(edit: (f: Record<string, { crm: string | null; siagh: string | null }>) => void) {
  const raw = parse(fs.readFileSync(FILE, 'utf8')) as {
    fields: Record<string, { crm: string | null; siagh: string | null }>;
  };
  edit(raw.fields);
  return parseSyncConfig(raw, 'test.yaml');
}

describe('syncctl config check', () => {
  it('finds nothing absent when every configured path is in the sample (an empty value is present)', () => {
    expect(
      absentInSample(loadSyncConfig(FILE), { crm: [{ kind: 'person', body: person }], siagh: [contact] }),
    ).toEqual([]);
  });

  it('names each misspelt CRM path and Siagh field, with the side and the path as configured', () => {
    const config = misspelt((f) => {
      f.email!.crm = 'emial';
      f.mobile!.siagh = 'mobilno';
      f.address!.crm = 'addressContact[default].address';
    });
    expect(absentInSample(config, { crm: [{ kind: 'person', body: person }], siagh: [contact] })).toEqual([
      { field: 'mobile', side: 'siagh', path: 'mobilno' },
      { field: 'email', side: 'crm', path: 'emial' },
      { field: 'address', side: 'crm', path: 'addressContact[default].address' },
    ]);
  });

  it('a path present in one sampled record of many is present; an empty sample judges nothing', () => {
    const config = loadSyncConfig(FILE);
    const bare = { ...person, phoneContacts: [] };
    expect(
      absentInSample(config, {
        crm: [
          { kind: 'person', body: bare },
          { kind: 'person', body: person },
        ],
        siagh: [],
      }),
    ).toEqual([]);
    expect(
      absentInSample(config, { crm: [{ kind: 'person', body: bare }], siagh: [] }).map((a) => a.field),
    ).toEqual(['mobile', 'phone']);
  });

  it('lists each field with both sides, direction and conflict policy', () => {
    const rows = configRows(loadSyncConfig(FILE));
    expect(rows.find((r) => r[0] === 'mobile')).toEqual([
      'mobile',
      'phoneContacts[mobile].phoneNumber',
      'mobileno',
      'both',
      'siagh-wins',
    ]);
    expect(rows.find((r) => r[0] === 'email')?.[4]).toBe('lww (skew 5000 ms, tie crm)');
  });
});
