import { z } from 'zod';
import { permanent } from '../errors';
import type { ConflictResolution } from '../events';
import { MAPPED_FIELDS, type MappedField } from '../mapping/syncConfig';

// An operator's conflict resolution travels as JSON inside a WorkEvent (`resolution`), and its chosen
// value as JSON inside that (`value`). Both are checked by one set of rules at every edge that handles
// them: the projector's route and syncctl refuse a bad value before it is sent (400 / exit 2), and the
// syncer dead-letters one that still arrives (a parse error is the event's fault, not a passing one:
// retried, it parked the customer forever).

const resolutionSchema = z.object({
  resolutionId: z.string().min(1),
  conflictId: z.string().min(1),
  canonicalKey: z.string().min(1),
  field: z.string().min(1),
  choice: z.enum(['crm', 'siagh', 'value']),
  value: z.string().nullable(),
  resolvedBy: z.string(),
  resolvedAt: z.number().int(),
  correlationId: z.string(),
});

/** The resolution JSON of a WorkEvent; anything else is a permanent INVALID_RESOLUTION. */
export function parseResolution(json: string | null): ConflictResolution {
  let raw: unknown;
  try {
    raw = JSON.parse(json ?? '');
  } catch (err) {
    throw permanent('INVALID_RESOLUTION', `resolution is not JSON: ${(err as Error).message}`, {
      cause: err,
    });
  }
  const parsed = resolutionSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw permanent('INVALID_RESOLUTION', `resolution is malformed: ${issues.join('; ')}`);
  }
  return parsed.data;
}

/** The value each mapped customer field holds (CanonicalCustomer): `active` a boolean, the rest text. */
const valueSchema = (field: MappedField): z.ZodTypeAny => (field === 'active' ? z.boolean() : z.string());

const isMappedField = (field: string): field is MappedField =>
  (MAPPED_FIELDS as readonly string[]).includes(field);

/** What is wrong with `json` as the chosen value of a conflict on `field`, or null when it is fine. */
export function resolutionValueProblem(field: string, json: string | null | undefined): string | null {
  if (!isMappedField(field)) {
    return `a conflict on ${field} is settled with choice crm or siagh; a value applies to customer fields only`;
  }
  const expected = field === 'active' ? 'true or false' : `a JSON string in quotes, e.g. "Tehran"`;
  if (json === null || json === undefined) return `value for ${field} is missing: expected ${expected}`;
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return `value for ${field} is not JSON: expected ${expected}`;
  }
  if (!valueSchema(field).safeParse(value).success) {
    return `value for ${field} must be ${expected}, got ${value === null ? 'null' : typeof value}`;
  }
  return null;
}

/** The chosen value of a resolution, parsed; a bad one is a permanent INVALID_RESOLUTION_VALUE. */
export function parseResolutionValue(field: string, json: string | null): unknown {
  const problem = resolutionValueProblem(field, json);
  if (problem !== null) throw permanent('INVALID_RESOLUTION_VALUE', problem);
  return JSON.parse(json!) as unknown;
}

/** The CLI knows no field: it can only insist on JSON, with the usual mistake (bare text) explained. */
export function jsonValueProblem(text: string): string | null {
  try {
    JSON.parse(text);
    return null;
  } catch {
    return `--value must be JSON: a text is written in quotes (--value '"${text.replace(/'/g, '')}"'), the active flag as true or false`;
  }
}
