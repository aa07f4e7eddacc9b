import { z } from 'zod';
import { normalizeText } from '@siaghsync/shared/normalize/index';
import type { EntityType, Operation } from '@siaghsync/shared/events';
import { firstProblem, isObjectMachineryName, safeString, type FieldProblem } from '../validation';

// The CRM's thin webhook notification (APIS.md): event, id, type, subtype. Nothing else is allowed,
// so a typo in the CRM settings or a probe with extra parameters is a 400, not silently ignored.

export const crmNotificationSchema = z
  .object({
    event: safeString(32),
    id: safeString(64),
    type: safeString(64),
    subtype: safeString(256).optional(),
  })
  .strict();

export type CrmNotificationInput = z.input<typeof crmNotificationSchema>;

const KNOWN_FIELDS = new Set(['event', 'id', 'type', 'subtype']);

export type IdentityKind = 'person' | 'organization' | 'unknown';
export type CrmObjectType = 'Identity' | 'Quote' | 'Invoice';

export interface CrmNotification {
  entityType: EntityType;
  operation: Operation;
  /** Lower-case GUID: the API returns them so, and the Kafka key must be the same for both paths. */
  sourceId: string;
  crmType: CrmObjectType;
  crmEvent: 'Insert' | 'Update' | 'Delete';
  /** For identities: which CRM endpoint (person/organization) holds the record. */
  identityKind: IdentityKind | null;
  /** The label as the CRM sent it, normalized (Arabic letter forms, invisible marks). */
  subtype: string | null;
}

export type NormalizeResult = { ok: true; value: CrmNotification } | { ok: false; problem: FieldProblem };

const GUID_RE = /^\{?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\}?$/i;

// Maps, not object literals: a request-supplied key looked up in `{...}` finds Object.prototype's
// members (`constructor`, `__proto__`, `toString`), which is how `type=constructor` once became a 500
// (and the CRM retries a 500 for ever).
const TYPES: ReadonlyMap<string, { type: CrmObjectType; entity: EntityType }> = new Map([
  ['identity', { type: 'Identity', entity: 'customer' }],
  ['quote', { type: 'Quote', entity: 'preinvoice' }],
  ['invoice', { type: 'Invoice', entity: 'preinvoice' }],
]);

const EVENTS: ReadonlyMap<string, { event: 'Insert' | 'Update' | 'Delete'; op: Operation }> = new Map([
  ['insert', { event: 'Insert', op: 'upsert' }],
  ['update', { event: 'Update', op: 'upsert' }],
  ['delete', { event: 'Delete', op: 'delete' }],
]);

// Compared after normalizeText, which turns Arabic ي/ك into Persian ی/ک and drops harakat/ZWNJ noise.
const PERSON_MARK = 'حقیقی';
const ORGANIZATION_MARK = 'حقوقی';

/**
 * Person or organization from the installation's Persian label: it CONTAINS حقیقی (natural person) or
 * حقوقی (legal person), e.g. `مخاطب حقیقی siagh`. A label with neither (or both) is `unknown`: the
 * notification is still accepted, because the syncer can find the record by id; refusing it would only
 * make the CRM retry a notification we could never accept.
 */
export function identityKindOf(subtype: string | null | undefined): IdentityKind {
  const label = normalizeText(subtype ?? '').replace(/\u200C/g, '');
  const person = label.includes(PERSON_MARK);
  const organization = label.includes(ORGANIZATION_MARK);
  if (person === organization) return 'unknown';
  return person ? 'person' : 'organization';
}

export function normalizeCrmNotification(input: unknown): NormalizeResult {
  const parsed = crmNotificationSchema.safeParse(input);
  if (!parsed.success) return { ok: false, problem: firstProblem(parsed.error, KNOWN_FIELDS) };
  const { event, id, type, subtype } = parsed.data;

  const t = TYPES.get(type.trim().toLowerCase());
  if (!t)
    return { ok: false, problem: { field: 'type', message: 'type must be Identity, Quote or Invoice' } };
  const e = EVENTS.get(event.trim().toLowerCase());
  if (!e)
    return { ok: false, problem: { field: 'event', message: 'event must be Insert, Update or Delete' } };
  const guid = GUID_RE.exec(id.trim());
  if (!guid?.[1]) return { ok: false, problem: { field: 'id', message: 'id must be a GUID' } };

  const label = subtype === undefined ? null : normalizeText(subtype) || null;
  if (label !== null && isObjectMachineryName(label))
    return { ok: false, problem: { field: 'subtype', message: 'subtype is not a label the CRM sends' } };
  return {
    ok: true,
    value: {
      entityType: t.entity,
      operation: e.op,
      sourceId: guid[1].toLowerCase(),
      crmType: t.type,
      crmEvent: e.event,
      identityKind: t.type === 'Identity' ? identityKindOf(label) : null,
      subtype: label,
    },
  };
}
