// Identifiers that people type by hand: email addresses, national codes, postal codes, economic codes.

import { toAsciiDigits } from './text';

/** Emails compare case-insensitively in practice; whitespace inside an address is always a typo. */
export function normalizeEmail(value: string | null | undefined): string {
  if (value === null || value === undefined) return '';
  // NFKC can produce spaces (´ → space + combining acute), and removing a space can bring a combining mark
  // next to a letter, hence NFKC on both sides of the removal.
  const compact = value.normalize('NFKC').replace(/[\s\u200B-\u200F\uFEFF]+/g, '');
  return toAsciiDigits(compact.normalize('NFKC')).toLowerCase().normalize('NFKC');
}

/** Digits only, in ASCII: for postal codes, economic codes, register numbers. */
export function normalizeDigits(value: string | null | undefined): string {
  if (value === null || value === undefined) return '';
  return toAsciiDigits(value.normalize('NFKC')).replace(/\D/g, '');
}

/**
 * National code (کد ملی, 10 digits) or an organization's national id (شناسه ملی, 11 digits).
 * Spreadsheets drop leading zeros, so 8 or 9 digits are padded back to 10.
 */
export function normalizeNationalCode(value: string | null | undefined): string {
  const digits = normalizeDigits(value);
  if (digits.length === 8 || digits.length === 9) return digits.padStart(10, '0');
  return digits;
}

/** Check digit validation of a person's 10-digit national code. Informational: we never refuse on it. */
export function isValidNationalCode(value: string): boolean {
  const code = normalizeNationalCode(value);
  if (!/^\d{10}$/.test(code) || /^(\d)\1{9}$/.test(code)) return false;
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(code[i]) * (10 - i);
  const remainder = sum % 11;
  const check = Number(code[9]);
  return remainder < 2 ? check === remainder : check === 11 - remainder;
}
