// A cheap hash of a raw record as the API returned it, to tell "unchanged since the last sweep" without
// mapping, normalizing and sha256-ing it (13x a JSON.parse of the payload at 100k Siagh contacts).
// It covers every field, not only the mapped ones: a change it sees that the mapping does not only costs
// one full checksum, while a change it missed would be a lost edit. Not cryptographic: a collision
// between the old and the new form of an edited record (about 2^-52) would hide that one edit.
//
// Two 32-bit multiply-xor lanes (the cyrb53 construction) in locals, not in an object: this loop runs
// over every character of every record each sweep, and V8 keeps locals in registers.

export type RawHash = number;

const M1 = 2654435761;
const M2 = 1597334677;

// Type tags keep "1", 1 and true apart: the mapping may read them alike, but the hash must not decide that.
const STRING = 1;
const NUMBER = 2;
const TRUE = 3;
const FALSE = 4;
const NULL = 5;
const UNDEFINED = 6;
const OTHER = 7;

const asText = (v: unknown): string | undefined =>
  typeof v === 'string'
    ? v
    : typeof v === 'number'
      ? String(v)
      : typeof v === 'object' && v !== null
        ? // Nested values do not occur in GetAll; hashed in full rather than trusted to be irrelevant.
          (JSON.stringify(v) ?? '')
        : undefined;

const tagOf = (v: unknown): number =>
  typeof v === 'string'
    ? STRING
    : typeof v === 'number'
      ? NUMBER
      : v === true
        ? TRUE
        : v === false
          ? FALSE
          : v === null
            ? NULL
            : v === undefined
              ? UNDEFINED
              : OTHER;

/** Hash of every enumerable field name and value of `record`, in its key order. */
export function rawHash52(record: Readonly<Record<string, unknown>>): RawHash {
  let a = 0xdeadbeef;
  let b = 0x41c6ce57;
  for (const key in record) {
    const v = record[key];
    const tag = tagOf(v);
    const text = asText(v);
    // Per field: the name, the type tag, then the value's text if it has one. Each string goes in with
    // its length first, so field boundaries are unambiguous ("ab","c" vs "a","bc").
    for (let part = 0; part < 2; part++) {
      const s = part === 0 ? key : text;
      if (s === undefined) break;
      a = Math.imul(a ^ s.length, M1);
      b = Math.imul(b ^ s.length, M2);
      // Two UTF-16 units a step (the length already told an odd tail apart): half the multiplies.
      for (let i = 0; i < s.length; i += 2) {
        const c = s.charCodeAt(i) | ((i + 1 < s.length ? s.charCodeAt(i + 1) : 0) << 16);
        a = Math.imul(a ^ c, M1);
        b = Math.imul(b ^ c, M2);
      }
      if (part === 0) {
        a = Math.imul(a ^ tag, M1);
        b = Math.imul(b ^ tag, M2);
      }
    }
  }
  a = Math.imul(a ^ (a >>> 16), 2246822507) ^ Math.imul(b ^ (b >>> 13), 3266489909);
  b = Math.imul(b ^ (b >>> 16), 2246822507) ^ Math.imul(a ^ (a >>> 13), 3266489909);
  return (b & 0xfffff) * 0x100000000 + (a >>> 0);
}
