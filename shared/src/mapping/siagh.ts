// Siagh contact (GetAll shape) <-> canonical customer, and canonical -> ctrlValues pairs for form 2BFDA.
// Field names are the lowercase form names (`mobileno`); GetAll answers in PascalCase (`MobileNo`).

import { emptyCustomer, normalizeCustomer, parseTmpid, type CanonicalCustomer } from './canonical';
import { decodeCtrlValue, encodeCtrlValues, type CtrlPair } from './ctrlValues';
import { writableRules } from './sides';
import type { SyncConfig } from './syncConfig';

export type SiaghContactRecord = Record<string, unknown>;

export const SIAGH_CONTACT_TABLE = 'gn_web_users';

/** Form field -> GetAll property where the name is not just a case change. */
const GETALL_NAME: Readonly<Record<string, string>> = { fullname: 'Name' };

// How the form takes booleans. The real form's checkboxes post 1/0 (documented in docs/errors.md's
// companion notes and the simulator's ASSUMPTIONS.md).
export const SIAGH_TRUE = '1';
export const SIAGH_FALSE = '0';

/** Reads a form field from a GetAll record (exact name, the known alias, then case-insensitive). */
export function readSiaghField(contact: SiaghContactRecord, field: string): unknown {
  const alias = GETALL_NAME[field];
  if (alias !== undefined && alias in contact) return contact[alias];
  if (field in contact) return contact[field];
  const key = Object.keys(contact).find((k) => k.toLowerCase() === field);
  return key === undefined ? undefined : contact[key];
}

function asBool(value: unknown, fallback: boolean): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value !== 0;
  if (typeof value === 'string') {
    const v = value.trim().toLowerCase();
    if (v === 'true' || v === '1') return true;
    if (v === 'false' || v === '0') return false;
  }
  return fallback;
}

function asText(value: unknown): string {
  if (typeof value === 'string') return decodeCtrlValue(value);
  if (typeof value === 'number') return String(value);
  return '';
}

/** A Siagh contact (GetAll record) to the canonical (normalized) customer. */
export function siaghToCanonical(contact: SiaghContactRecord, config: SyncConfig): CanonicalCustomer {
  const out = emptyCustomer(asBool(readSiaghField(contact, 'towardtype'), false) ? 'organization' : 'person');
  out.customerNumber = parseTmpid(readSiaghField(contact, 'tmpid'));
  for (const rule of Object.values(config.fields)) {
    if (rule.siagh === null) continue;
    const raw = readSiaghField(contact, rule.siagh);
    if (rule.field === 'active') out.active = asBool(raw, true);
    else out[rule.field] = asText(raw);
  }
  return normalizeCustomer(out);
}

/** The `gn_web_users.<field>` pairs for a create or an update of `record` (values normalized, unencoded). */
export function canonicalToSiaghPairs(
  record: CanonicalCustomer,
  config: SyncConfig,
  mode: 'create' | 'update',
  /** Only these fields (an update of what changed); every writable field when absent. */
  only?: readonly string[],
): CtrlPair[] {
  const c = normalizeCustomer(record);
  const t = (f: string): string => `${SIAGH_CONTACT_TABLE}.${f}`;
  const pairs: CtrlPair[] = [
    [t('tmpid'), c.customerNumber === null ? '' : String(c.customerNumber)],
    [t('towardtype'), c.kind === 'organization' ? SIAGH_TRUE : SIAGH_FALSE],
  ];
  for (const rule of writableRules(config, 'siagh', mode)) {
    if (rule.siagh === null || (only !== undefined && !only.includes(rule.field))) continue;
    const value = rule.field === 'active' ? (c.active ? SIAGH_TRUE : SIAGH_FALSE) : c[rule.field];
    pairs.push([t(rule.siagh), value]);
  }
  return pairs;
}

/** The ctrlValues string for form 2BFDA; throws SIAGH_UNSAFE_VALUE instead of sending a corrupt one. */
export function canonicalToSiaghCtrlValues(
  record: CanonicalCustomer,
  config: SyncConfig,
  mode: 'create' | 'update',
): string {
  return encodeCtrlValues(canonicalToSiaghPairs(record, config, mode));
}
