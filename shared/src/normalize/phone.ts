// Iranian phone numbers arrive as +98 912 ..., 0098912..., 98912..., 912..., ۰۹۱۲..., 021-8877 6655.
// The canonical form is the national one with its trunk zero: 11 digits, `09xxxxxxxxx` for mobiles,
// `0<area><number>` for landlines. Numbers we cannot recognise keep their digits only, so two spellings of
// the same unknown number still compare equal.

import { toAsciiDigits } from './text';

/** Digits of the national significant number (10 digits in Iran) after removing a +98/0098/98 prefix. */
function stripCountryCode(digits: string, hadPlus: boolean): string | undefined {
  let rest: string | undefined;
  if (digits.startsWith('0098')) rest = digits.slice(4);
  else if (digits.startsWith('98') && (hadPlus || digits.length >= 12)) rest = digits.slice(2);
  if (rest === undefined) return undefined;
  if (rest.length === 10 && !rest.startsWith('0')) return rest;
  // "+98 (0) 21 ..." keeps the trunk zero after the country code.
  if (rest.length === 11 && rest.startsWith('0')) return rest.slice(1);
  return undefined;
}

/** Any phone number to its canonical national form (see the file comment); '' for no digits. */
export function normalizePhone(value: string | null | undefined): string {
  if (value === null || value === undefined) return '';
  const ascii = toAsciiDigits(value.normalize('NFKC')).trim();
  const hadPlus = ascii.startsWith('+');
  const digits = ascii.replace(/\D/g, '');
  if (digits === '') return '';
  const national = stripCountryCode(digits, hadPlus);
  if (national !== undefined) return `0${national}`;
  // A mobile typed without its trunk zero: 912 345 6789.
  if (digits.length === 10 && digits.startsWith('9')) return `0${digits}`;
  return digits;
}

/** True for a canonical Iranian mobile number `09xxxxxxxxx`. */
export function isIranianMobile(value: string): boolean {
  return /^09\d{9}$/.test(normalizePhone(value));
}

/** Same as normalizePhone; named for the call sites that hold a mobile number. */
export const normalizeMobile = normalizePhone;
