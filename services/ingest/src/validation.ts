import { z } from 'zod';

// Shared guards for every field that comes from outside. Input is never echoed back, so the only
// thing an error names is the FIELD, and only when it is one of ours (a hostile key name is not).

// C0 and C1 control characters (tab and newline included: no field we accept spans lines).
// eslint-disable-next-line no-control-regex
const CONTROL_RE = /[\u0000-\u001F\u007F-\u009F]/;

// A surrogate half without its partner: not text, and Avro would turn it into U+FFFD silently.
const LONE_SURROGATE_RE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** A bounded, well-formed string without control characters (and matching `pattern` if given). */
export const safeString = (max: number, pattern?: { re: RegExp; message: string }) =>
  z
    .string()
    .max(max, `longer than ${max} characters`)
    .regex(pattern?.re ?? /^/, pattern?.message)
    .refine((s) => !CONTROL_RE.test(s), 'contains control characters')
    .refine((s) => !LONE_SURROGATE_RE.test(s), 'is not well-formed Unicode');

// `__proto__`, `constructor`, `toString`, `hasOwnProperty`, ... and `prototype`: the names by which a
// string used as a key reaches JavaScript's object machinery instead of data. Lower case, for a
// case-insensitive check (our own lookups lower-case their keys first).
const OBJECT_MACHINERY = new Set(
  [...Object.getOwnPropertyNames(Object.prototype), 'prototype'].map((n) => n.toLowerCase()),
);

/**
 * True for a value that is one of those names. Closed sets are looked up in Maps, which makes them
 * harmless there; this is for free text that is passed on as data (a label), where no consumer of the
 * event should ever have to think about it and no real sender uses such a name.
 */
export function isObjectMachineryName(value: string): boolean {
  return OBJECT_MACHINERY.has(value.trim().toLowerCase());
}

export interface FieldProblem {
  field?: string;
  message: string;
}

/**
 * The first problem of a zod error, with the field path cut to the part made of names our schema
 * defines: an unrecognized key (`__proto__`, or a 10 kB key) must not reach the response.
 */
export function firstProblem(error: z.ZodError, known: ReadonlySet<string>): FieldProblem {
  const issue = error.issues[0];
  if (!issue) return { message: 'invalid input' };
  const segments: string[] = [];
  for (const p of issue.path) {
    if (typeof p !== 'string' || !known.has(p)) break;
    segments.push(p);
  }
  const field = segments.length > 0 ? segments.join('.') : undefined;
  const where = field ?? 'the input';
  let message: string;
  switch (issue.code) {
    case z.ZodIssueCode.unrecognized_keys:
      message = `${where} has fields that are not allowed`;
      break;
    case z.ZodIssueCode.invalid_type:
      message =
        issue.received === 'undefined'
          ? `${where} is required`
          : `${where} must be of type ${issue.expected}`;
      break;
    case z.ZodIssueCode.invalid_enum_value:
    case z.ZodIssueCode.invalid_literal:
      message = `${where} is not one of the accepted values`;
      break;
    default:
      // Our own refinement messages are static text; zod's built-ins name limits, never the value.
      message = `${where} ${issue.message.replace(/^String /, '').toLowerCase()}`;
  }
  return field === undefined ? { message } : { field, message };
}
