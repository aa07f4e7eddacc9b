// CRM person/organization body <-> canonical customer, driven by the `crm:` paths of the sync config.

import {
  emptyCustomer,
  formatCustomerNumber,
  normalizeCustomer,
  parseCustomerNumber,
  type CanonicalCustomer,
  type CustomerKind,
} from './canonical';
import { getCrmPath, parseCrmPath, setCrmPath } from './crmPath';
import { writableRules } from './sides';
import { MAPPED_FIELDS, type MappedField, type SyncConfig } from './syncConfig';

export type CrmBody = Record<string, unknown>;

/** CRM `identityType`: 1 person, 2 organization. */
export const identityTypeOf = (kind: CustomerKind): 1 | 2 => (kind === 'person' ? 1 : 2);
export const kindOfIdentityType = (t: number): CustomerKind => (t === 2 ? 'organization' : 'person');

// Person-only and organization-only properties: writing them on the other kind is rejected or ignored
// by the CRM, and reading them there gives noise.
const NOT_FOR: Partial<Record<MappedField, CustomerKind>> = {
  firstName: 'organization',
  lastName: 'organization',
  registerNumber: 'person',
};

function asText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return '';
}

/** A CRM person or organization body to the canonical (normalized) customer. */
export function crmToCanonical(body: CrmBody, kind: CustomerKind, config: SyncConfig): CanonicalCustomer {
  const out = emptyCustomer(kind);
  out.customerNumber = parseCustomerNumber(asText(body.customerNumber));
  for (const rule of Object.values(config.fields)) {
    if (rule.crm === null || NOT_FOR[rule.field] === kind) continue;
    const raw = getCrmPath(body, rule.crm);
    if (rule.field === 'active')
      out.active = raw === undefined || raw === null ? true : raw === true || raw === 'true';
    else out[rule.field] = asText(raw);
  }
  // A person whose display name was never filled is still known by first and last name.
  if (kind === 'person' && out.name.trim() === '') out.name = `${out.firstName} ${out.lastName}`;
  return normalizeCustomer(out);
}

/**
 * The CRM body to send for `record`. `base` is the record as the CRM has it now (for an update): every
 * property we do not map (tags, extendedProperties, refId, ...) is kept, because update replaces the record.
 */
export function canonicalToCrm(record: CanonicalCustomer, config: SyncConfig, base?: CrmBody): CrmBody {
  const body = structuredClone<CrmBody>(base ?? {});
  const c = normalizeCustomer(record);
  if (c.customerNumber !== null) body.customerNumber = formatCustomerNumber(c.customerNumber);
  for (const rule of writableRules(config, 'crm', base === undefined ? 'create' : 'update')) {
    if (rule.crm === null || NOT_FOR[rule.field] === c.kind) continue;
    setCrmPath(body, rule.crm, rule.field === 'active' ? c.active : c[rule.field]);
  }
  return body;
}

/**
 * How the CRM's update is sent (`CRM_UPDATE_MODE`). APIS.md says only "same body plus id", so the default,
 * `whole-record`, sends every property as just read plus our change: right whether the CRM replaces the
 * record or merges into it, but an edit landing between our read and our write is overwritten (README,
 * "What it cannot promise"). `changed-fields` sends only the top-level properties that hold a changed
 * field, so such an edit to another property is kept; it is for a CRM known to keep omitted properties.
 */
export const CRM_UPDATE_MODES = ['changed-fields', 'whole-record'] as const;
export type CrmUpdateMode = (typeof CRM_UPDATE_MODES)[number];

/**
 * The update body for `record` over `current` (the record as just read). A list property (phoneContacts,
 * addressContacts) is sent whole, built from `current`: the CRM replaces lists, so the entries we do not
 * change must be what it holds now.
 */
export function crmUpdateBody(
  record: CanonicalCustomer,
  config: SyncConfig,
  current: CrmBody,
  fields: readonly MappedField[] | 'all',
  mode: CrmUpdateMode,
): CrmBody {
  if (mode === 'whole-record') return canonicalToCrm(record, config, current);
  const wanted = new Set<MappedField>(fields === 'all' ? MAPPED_FIELDS : fields);
  const c = normalizeCustomer(record);
  // Applied over a copy of what was read, so list entries and formatting we do not change stay as they are.
  const full = structuredClone<CrmBody>(current);
  const body: CrmBody = {};
  for (const rule of writableRules(config, 'crm', 'update')) {
    if (rule.crm === null || NOT_FOR[rule.field] === c.kind || !wanted.has(rule.field)) continue;
    setCrmPath(full, rule.crm, rule.field === 'active' ? c.active : c[rule.field]);
    const top = parseCrmPath(rule.crm)[0]?.name;
    if (top !== undefined) body[top] = full[top];
  }
  return body;
}
