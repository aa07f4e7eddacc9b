import { createRng, mixSeed, seededGuid, type Rng } from '../common/rng';
import { formatIranLocal } from '../common/clock';
import type { CrmIdentity } from '../crm/types';
import type { SiaghContact } from '../siagh/types';
import type { Customer } from './customer';
import { toArabicForms, toDigits, type DigitStyle } from './persian';

// How each system stores a customer. Each side independently picks cosmetic variations (letter
// forms, digit styles) that a correct pipeline must treat as equal.

/** A fixed epoch, so generated timestamps do not depend on when the generator runs. */
const EPOCH = Date.UTC(2025, 2, 21);

export interface Cosmetics {
  text: (s: string) => string;
  digits: (s: string) => string;
}

export function cosmetics(rng: Rng, enabled: boolean): Cosmetics {
  if (!enabled) return { text: (s) => s, digits: (s) => s };
  const arabic = rng.chance(0.3);
  const r = rng.next();
  const style: DigitStyle = r < 0.8 ? 'latin' : r < 0.95 ? 'persian' : 'arabic';
  return { text: arabic ? toArabicForms : (s) => s, digits: (s) => toDigits(s, style) };
}

export function crmIdentityOf(seed: number, c: Customer, vary: boolean): CrmIdentity {
  const rng = createRng(mixSeed(seed, c.n, 0xc1));
  const cos = cosmetics(rng, vary);
  const created = formatIranLocal(new Date(EPOCH + rng.int(0, 365 * 86_400) * 1000));
  const t = cos.text;
  return {
    crmId: seededGuid(rng),
    identityType: c.isOrg ? 2 : 1,
    crmObjectTypeCode: c.isOrg ? 'Organization' : 'Person',
    nickName: t(c.name),
    firstName: c.firstName && t(c.firstName),
    lastName: c.lastName && t(c.lastName),
    email: c.email,
    alternativeEmail: null,
    website: c.isOrg ? `https://company${c.n % 97}.ir` : null,
    phoneContacts: [
      { default: true, phoneType: 'Mobile', phoneNumber: cos.digits(c.mobile) },
      { default: false, phoneType: 'Work', phoneNumber: cos.digits(c.tel) },
    ],
    addressContacts: [
      {
        default: true,
        country: 'ایران',
        state: t(c.city.state),
        city: t(c.city.name),
        address: t(cos.digits(c.address)),
        zipCode: c.postalCode,
      },
    ],
    nationalCode: cos.digits(c.nationalCode),
    economicCode: c.economicCode,
    registerNumber: c.registerNumber,
    customerNumber: `100-${c.n}`,
    customerDate: created,
    businessType: c.businessType,
    description: c.description,
    refId: null,
    extendedProperties: [],
    tags: [],
    categories: [],
    birthDate: null,
    gender: c.gender,
    organizations: [],
    registerDate: null,
    employees: [],
    managerId: null,
    creatDate: created,
    modifyDate: created,
  };
}

export function siaghContactOf(
  seed: number,
  c: Customer,
  code: number,
  recordId: number,
  vary: boolean,
): SiaghContact {
  const rng = createRng(mixSeed(seed, c.n, 0x51));
  const cos = cosmetics(rng, vary);
  const t = cos.text;
  return {
    RecordId: recordId,
    Code: code,
    tmpid: String(c.n),
    Name: t(c.name),
    NickName: t(c.name),
    FirstName: c.firstName && t(c.firstName),
    LastName: c.lastName && t(c.lastName),
    NationalCode: c.nationalCode,
    EconomicCode: c.economicCode,
    RegisterNo: c.registerNumber,
    MobileNo: cos.digits(c.mobile),
    TelNo: cos.digits(c.tel),
    Fax: null,
    Email: c.email,
    Address: t(cos.digits(c.address)),
    PostalCode: c.postalCode,
    CityCode: c.city.code,
    CountryCode: 1,
    Description: c.description,
    IsActive: true,
    IsAdminUser: false,
    TowardType: c.isOrg,
    BranchCode: 1,
  };
}
