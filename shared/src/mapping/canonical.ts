// The canonical customer: one shape for a customer, independent of the CRM and Siagh. Every comparison,
// checksum and merge happens on this shape, always on NORMALIZED values, so that the Arabic or Persian
// form of a letter, the script of a digit or the spelling of a phone number never counts as a change.

import { createHash } from 'node:crypto';
import { permanent } from '../errors';
import { normalizeText } from '../normalize/text';
import { normalizePhone } from '../normalize/phone';
import { normalizeEmail, normalizeDigits, normalizeNationalCode } from '../normalize/identity';
import { memoized } from '../normalize/memo';

export type CustomerKind = 'person' | 'organization';

export interface CanonicalCustomer {
  /** `n` of CRM `100-<n>` and Siagh `tmpid`; null when the record has no customer number yet. */
  customerNumber: number | null;
  kind: CustomerKind;
  /** Display name: CRM `nickName`, Siagh `Name` (form field `fullname`). */
  name: string;
  firstName: string;
  lastName: string;
  nationalCode: string;
  economicCode: string;
  registerNumber: string;
  mobile: string;
  phone: string;
  email: string;
  address: string;
  postalCode: string;
  city: string;
  description: string;
  active: boolean;
}

export type CanonicalField = keyof CanonicalCustomer;

/** Every canonical field, in a fixed order (the order of config files and audit diffs). */
export const CANONICAL_FIELDS = [
  'customerNumber',
  'kind',
  'name',
  'firstName',
  'lastName',
  'nationalCode',
  'economicCode',
  'registerNumber',
  'mobile',
  'phone',
  'email',
  'address',
  'postalCode',
  'city',
  'description',
  'active',
] as const satisfies readonly CanonicalField[];

export type StringField = {
  [K in CanonicalField]: CanonicalCustomer[K] extends string ? K : never;
}[CanonicalField];

const NORMALIZERS: Record<Exclude<StringField, 'kind'>, (v: string) => string> = (() => {
  const text = memoized(normalizeText);
  const phone = memoized(normalizePhone);
  const digits = memoized(normalizeDigits);
  return {
    name: text,
    firstName: text,
    lastName: text,
    nationalCode: memoized(normalizeNationalCode),
    economicCode: digits,
    registerNumber: text,
    mobile: phone,
    phone,
    email: memoized(normalizeEmail),
    address: text,
    postalCode: digits,
    city: text,
    description: text,
  };
})();

export function emptyCustomer(kind: CustomerKind = 'person'): CanonicalCustomer {
  return {
    customerNumber: null,
    kind,
    name: '',
    firstName: '',
    lastName: '',
    nationalCode: '',
    economicCode: '',
    registerNumber: '',
    mobile: '',
    phone: '',
    email: '',
    address: '',
    postalCode: '',
    city: '',
    description: '',
    active: true,
  };
}

/** Normalize one field's value (strings only; other fields pass through). */
export function normalizeField<K extends CanonicalField>(
  field: K,
  value: CanonicalCustomer[K],
): CanonicalCustomer[K] {
  if (field === 'kind' || typeof value !== 'string') return value;
  const fn = NORMALIZERS[field as Exclude<StringField, 'kind'>];
  return fn(value) as CanonicalCustomer[K];
}

/** Every string field normalized. Idempotent. */
export function normalizeCustomer(record: CanonicalCustomer): CanonicalCustomer {
  const out = { ...record };
  for (const field of Object.keys(NORMALIZERS) as (keyof typeof NORMALIZERS)[]) {
    out[field] = NORMALIZERS[field](record[field] ?? '');
  }
  return out;
}

/** JSON with keys sorted at every level, so equal data always serialises to equal bytes. */
export function stableStringify(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`).join(',')}}`;
}

/**
 * sha256 (hex) of the normalized record's canonical JSON. With `fields`, only those fields count: a side
 * that does not carry a field (Siagh has no first name) must not see a change in it.
 */
export function canonicalChecksum(
  record: CanonicalCustomer,
  fields: readonly CanonicalField[] = CANONICAL_FIELDS,
): string {
  const picked: Record<string, unknown> = {};
  for (const field of fields) {
    const normalize = NORMALIZERS[field as keyof typeof NORMALIZERS] as ((v: string) => string) | undefined;
    // As normalizeCustomer does, field by field: only the fields hashed are normalized.
    picked[field] = normalize ? normalize((record[field] as string | null | undefined) ?? '') : record[field];
  }
  return createHash('sha256').update(stableStringify(picked)).digest('hex');
}

const CUSTOMER_NUMBER_RE = /^100-(\d{1,15})$/;

/**
 * `100-1231` → 1231. Tolerates Persian digits and stray whitespace (it is typed by hand in the CRM);
 * returns null for anything that is not a customer number in our scheme.
 */
export function parseCustomerNumber(value: string | null | undefined): number | null {
  if (value === null || value === undefined) return null;
  const cleaned = normalizeText(value).replace(/\s+/g, '');
  const match = CUSTOMER_NUMBER_RE.exec(cleaned);
  if (!match?.[1]) return null;
  const n = Number(match[1]);
  return Number.isSafeInteger(n) ? n : null;
}

export function formatCustomerNumber(n: number): string {
  assertCustomerNumber(n);
  return `100-${n}`;
}

/** Siagh `tmpid` (string or number, Persian digits tolerated) → n, or null when absent or not a number. */
export function parseTmpid(value: unknown): number | null {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? value : null;
  if (typeof value !== 'string') return null;
  const digits = normalizeText(value);
  if (!/^\d{1,15}$/.test(digits)) return null;
  return Number(digits);
}

export function canonicalKeyFor(n: number): string {
  assertCustomerNumber(n);
  return `customer:${n}`;
}

function assertCustomerNumber(n: number): void {
  if (!Number.isSafeInteger(n) || n < 0) {
    throw permanent('INVALID_CUSTOMER_NUMBER', `customer number must be a non-negative integer, got ${n}`);
  }
}
