// Iranian identification numbers with valid check digits, so that a validating adapter or a
// checker accepts generated data exactly as it would accept real data.

/** Check digit of a person's 10-digit national code (کد ملی) from its first 9 digits. */
export function nationalCodeCheckDigit(first9: string): number {
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(first9[i]) * (10 - i);
  const r = sum % 11;
  return r < 2 ? r : 11 - r;
}

export function isValidNationalCode(code: string): boolean {
  if (!/^\d{10}$/.test(code)) return false;
  // All-equal digits pass the checksum but are never issued.
  if (/^(\d)\1{9}$/.test(code)) return false;
  return nationalCodeCheckDigit(code.slice(0, 9)) === Number(code[9]);
}

/** A valid national code from 9 digits of entropy (as a number below 1e9). */
export function makeNationalCode(n: number): string {
  let first9 = String(Math.abs(Math.trunc(n)) % 1e9).padStart(9, '0');
  if (/^(\d)\1{8}$/.test(first9)) first9 = `${first9.slice(0, 8)}${(Number(first9[8]) + 1) % 10}`;
  return first9 + String(nationalCodeCheckDigit(first9));
}

const LEGAL_COEFS = [29, 27, 23, 19, 17, 29, 27, 23, 19, 17];

/** Check digit of an organization's 11-digit national ID (شناسه ملی) from its first 10 digits. */
export function legalIdCheckDigit(first10: string): number {
  const d = Number(first10[9]) + 2;
  let sum = 0;
  for (let i = 0; i < 10; i++) sum += (Number(first10[i]) + d) * (LEGAL_COEFS[i] ?? 0);
  const r = sum % 11;
  return r === 10 ? 0 : r;
}

export function isValidLegalId(code: string): boolean {
  return /^\d{11}$/.test(code) && legalIdCheckDigit(code.slice(0, 10)) === Number(code[10]);
}

export function makeLegalId(n: number): string {
  const first10 = `1${String(Math.abs(Math.trunc(n)) % 1e9).padStart(9, '0')}`;
  return first10 + String(legalIdCheckDigit(first10));
}
