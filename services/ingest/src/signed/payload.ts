import { z } from 'zod';
import type { EntityType, Operation, SourceSystem } from '@siaghsync/shared/events';
import { firstProblem, isObjectMachineryName, safeString, type FieldProblem } from '../validation';

// The body of a signed change notification, in the Standard Webhooks payload shape
// (`type`, `timestamp`, `data`). Like the CRM's notification it is thin: which record changed and
// how; the syncer fetches the record itself.
//
//   { "type": "customer.upsert" | "customer.delete" | "preinvoice.upsert" | "preinvoice.delete",
//     "timestamp": "2025-11-25T10:15:00Z",            // when the change happened in the source
//     "data": { "source": "crm" | "siagh", "id": "<record id>",
//               "naturalKey"?: "1231", "attributes"?: { "<name>": "<text>" } } }

const ATTRIBUTE_NAME = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/; // excludes __proto__ (constructor & co: below)
const GUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SIAGH_ID_RE = /^[0-9A-Za-z_-]{1,64}$/;

export const signedPayloadSchema = z
  .object({
    type: z.enum(['customer.upsert', 'customer.delete', 'preinvoice.upsert', 'preinvoice.delete']),
    timestamp: z.string().max(40).datetime({ offset: true }),
    data: z
      .object({
        source: z.enum(['crm', 'siagh']),
        id: safeString(64),
        naturalKey: safeString(64, {
          re: /^[0-9]{1,20}$/,
          message: 'must be the customer number digits',
        }).optional(),
        attributes: z
          .record(
            z
              .string()
              .regex(ATTRIBUTE_NAME, 'has an invalid name')
              // A consumer calling attributes.hasOwnProperty(...) or reading attributes.constructor
              // must get Object's behaviour, not a sender's string.
              .refine((k) => !isObjectMachineryName(k), 'has an invalid name'),
            safeString(256),
          )
          .refine((a) => Object.keys(a).length <= 16, 'has more than 16 entries')
          .optional(),
      })
      .strict(),
  })
  .strict();

const KNOWN_FIELDS = new Set(['type', 'timestamp', 'data', 'source', 'id', 'naturalKey', 'attributes']);

export interface SignedChange {
  entityType: EntityType;
  operation: Operation;
  source: SourceSystem;
  sourceId: string;
  sourceTime: number;
  naturalKey: string | null;
  attributes: Record<string, string>;
}

export type SignedParseResult = { ok: true; value: SignedChange } | { ok: false; problem: FieldProblem };

/** `input` is the already JSON-parsed body (an own `__proto__` key from JSON.parse is just an unknown key here). */
export function parseSignedPayload(input: unknown): SignedParseResult {
  const parsed = signedPayloadSchema.safeParse(input);
  if (!parsed.success) return { ok: false, problem: firstProblem(parsed.error, KNOWN_FIELDS) };
  const { type, timestamp, data } = parsed.data;
  const [entityType, operation] = type.split('.') as [EntityType, Operation];
  let sourceId = data.id.trim();
  if (data.source === 'crm') {
    if (!GUID_RE.test(sourceId))
      return { ok: false, problem: { field: 'data.id', message: 'data.id must be a GUID for source crm' } };
    sourceId = sourceId.toLowerCase();
  } else if (!SIAGH_ID_RE.test(sourceId) || isObjectMachineryName(sourceId)) {
    return { ok: false, problem: { field: 'data.id', message: 'data.id must be a Siagh code' } };
  }
  // A null-prototype copy: attribute names come from outside.
  const attributes: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [k, v] of Object.entries(data.attributes ?? {})) attributes[k] = v;
  return {
    ok: true,
    value: {
      entityType,
      operation,
      source: data.source,
      sourceId,
      sourceTime: Date.parse(timestamp),
      naturalKey: data.naturalKey ?? null,
      attributes: { ...attributes },
    },
  };
}
