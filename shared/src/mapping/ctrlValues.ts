// Siagh's SaveFormData takes every control value in ONE string, `table.field=value` pairs joined by `|`,
// and the server splits on `|` and then on the first `=`, with no escaping at all. A `|` inside a value
// therefore starts a new (corrupt) pair. The encoding below is how we carry such values anyway:
//
//   free-text fields (names, address, description, notes): `|` → `｜` (U+FF5C), `=` → `＝` (U+FF1D).
//     Siagh users read the same text; our reader folds them back (NFKC in normalizeText does exactly this),
//     so canonical → Siagh → canonical is stable. A text value that already holds U+FF5C/U+FF1D cannot be
//     told apart afterwards and is refused. CR/LF are refused everywhere (normalized text never has them).
//   every other field (codes, phones, ids, flags): any of `|`, `=`, CR, LF is refused.
//
// Refusals are permanent SyncErrors `SIAGH_UNSAFE_VALUE` naming the field: nothing corrupt is ever sent.

import { permanent } from '../errors';

export type CtrlPair = readonly [field: string, value: string];

/** Free-text form fields whose `|` and `=` are encoded rather than refused. */
export const SIAGH_TEXT_FIELDS: ReadonlySet<string> = new Set([
  'gn_web_users.fullname',
  'gn_web_users.nickname',
  'gn_web_users.address',
  'gn_web_users.description',
  'sl_sanad.tozihat',
  'sl_sanad.namenoesanad',
]);

const FIELD_NAME_RE = /^[a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*$/;
const FULLWIDTH_BAR = '\uFF5C';
const FULLWIDTH_EQUALS = '\uFF1D';

function unsafe(field: string, reason: string): never {
  throw permanent('SIAGH_UNSAFE_VALUE', `value of ${field} cannot be sent to the Siagh form: ${reason}`, {
    details: { field },
  });
}

/** One value made safe for the form (see the file comment), or a SIAGH_UNSAFE_VALUE error. */
export function encodeCtrlValue(
  field: string,
  value: string,
  textFields: ReadonlySet<string> = SIAGH_TEXT_FIELDS,
): string {
  if (!FIELD_NAME_RE.test(field)) unsafe(field, 'field name must be table.field in lowercase');
  if (/[\r\n]/.test(value)) unsafe(field, 'line breaks are not allowed');
  if (!textFields.has(field)) {
    if (/[|=]/.test(value)) unsafe(field, 'contains "|" or "="');
    return value;
  }
  if (value.includes(FULLWIDTH_BAR) || value.includes(FULLWIDTH_EQUALS)) {
    unsafe(field, 'contains U+FF5C or U+FF1D, which this encoding reserves');
  }
  return value.replaceAll('|', FULLWIDTH_BAR).replaceAll('=', FULLWIDTH_EQUALS);
}

/** Inverse of encodeCtrlValue for text read back from Siagh. */
export function decodeCtrlValue(value: string): string {
  return value.replaceAll(FULLWIDTH_BAR, '|').replaceAll(FULLWIDTH_EQUALS, '=');
}

/** The ctrlValues string for these pairs; throws SIAGH_UNSAFE_VALUE rather than produce a corrupt one. */
export function encodeCtrlValues(
  pairs: readonly CtrlPair[],
  textFields: ReadonlySet<string> = SIAGH_TEXT_FIELDS,
): string {
  const seen = new Set<string>();
  return pairs
    .map(([field, value]) => {
      if (seen.has(field)) unsafe(field, 'field given twice');
      seen.add(field);
      return `${field}=${encodeCtrlValue(field, value, textFields)}`;
    })
    .join('|');
}

/** How the real Siagh server reads ctrlValues (split on `|`, then the first `=`): used to check our output. */
export function parseCtrlValues(ctrlValues: string): CtrlPair[] {
  if (ctrlValues === '') return [];
  return ctrlValues.split('|').map((part): CtrlPair => {
    const eq = part.indexOf('=');
    return eq < 0 ? [part, ''] : [part.slice(0, eq), part.slice(eq + 1)];
  });
}
