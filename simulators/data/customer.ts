import { createRng, mixSeed, type Rng } from '../common/rng';
import { makeLegalId, makeNationalCode } from './nationalCode';
import {
  BUSINESS_TYPES,
  CITIES,
  FIRST_NAMES_FEMALE,
  FIRST_NAMES_MALE,
  LAST_NAMES,
  ALLEYS,
  ORG_PREFIXES,
  ORG_SUFFIXES,
  ORG_WORDS,
  STREETS,
  type City,
} from './persian';

// One logical customer, derived from (seed, n) alone: both sides of an overlapping pair are
// rendered from the same customer, whatever order or subset is generated.

export interface Customer {
  n: number;
  isOrg: boolean;
  firstName: string | null;
  lastName: string | null;
  gender: 'Male' | 'Female' | null;
  name: string;
  nationalCode: string;
  economicCode: string | null;
  registerNumber: string | null;
  businessType: string | null;
  mobile: string;
  tel: string;
  email: string;
  city: City;
  address: string;
  postalCode: string;
  description: string | null;
}

const MOBILE_PREFIXES = ['0912', '0935', '0919', '0921', '0990', '0901', '0913', '0937'];

/** A bijection on [0, 10^7): distinct customers never share a phone (Siagh refuses duplicates). */
export function spread7(n: number, salt: number): string {
  return String((((n * 7919 + salt) % 1e7) + 1e7) % 1e7).padStart(7, '0');
}

function postalCode(rng: Rng): string {
  // Iranian postal codes avoid 0 and 2 in the first five digits.
  const safe = '13456789';
  let s = '';
  for (let i = 0; i < 5; i++) s += safe[rng.int(0, safe.length - 1)];
  for (let i = 0; i < 5; i++) s += String(rng.int(0, 9));
  return s;
}

export function customerOf(seed: number, n: number, organizationRate: number): Customer {
  const rng = createRng(mixSeed(seed, n, 0xc0));
  const isOrg = rng.chance(organizationRate);
  const city = rng.pick(CITIES);
  const address = `${city.name}، خیابان ${rng.pick(STREETS)}، ${rng.pick(ALLEYS)}، پلاک ${rng.int(1, 250)}`;
  const mobile = rng.pick(MOBILE_PREFIXES) + spread7(n, 1_234_567);
  const tel = city.areaCode + '2' + spread7(n, 7_654_321);
  const postal = postalCode(rng);
  const description = rng.chance(0.2) ? 'مشتری عمده' : null;
  // One literal with every field (no object spread): spreading made 100k customers ten times slower.
  if (isOrg) {
    const name = `${rng.pick(ORG_PREFIXES)} ${rng.pick(ORG_WORDS)} ${rng.pick(ORG_WORDS)}${rng.pick(ORG_SUFFIXES)}`;
    const legalId = makeLegalId(rng.int(0, 999_999_999));
    return {
      n,
      isOrg,
      city,
      address,
      mobile,
      tel,
      postalCode: postal,
      description,
      firstName: null,
      lastName: null,
      gender: null,
      name,
      nationalCode: legalId,
      economicCode: legalId,
      registerNumber: String(rng.int(10_000, 999_999)),
      businessType: rng.pick(BUSINESS_TYPES),
      email: `info${n}@company${n % 97}.ir`,
    };
  }
  const male = rng.chance(0.6);
  const firstName = rng.pick(male ? FIRST_NAMES_MALE : FIRST_NAMES_FEMALE);
  const lastName = rng.pick(LAST_NAMES);
  return {
    n,
    isOrg,
    city,
    address,
    mobile,
    tel,
    postalCode: postal,
    description,
    firstName,
    lastName,
    gender: male ? 'Male' : 'Female',
    name: `${firstName} ${lastName}`,
    nationalCode: makeNationalCode(rng.int(1_000_000, 999_999_999)),
    economicCode: null,
    registerNumber: null,
    businessType: null,
    email: `user${n}@example.ir`,
  };
}
