// Siagh's form parser, reproduced as it behaves, not as it should: the string is split on every
// `|`, then each piece on its FIRST `=`. There is no escaping. A value containing `|` is cut there
// and the rest becomes a piece of its own (ignored if it has no `=` or names an unknown field,
// or, worse, silently setting another field). A value containing `=` survives, since only the
// first `=` splits. The simulator must corrupt exactly like this so adapter bugs show up in tests.

export interface CtrlPair {
  key: string;
  value: string;
}

export function splitCtrlValues(s: string): CtrlPair[] {
  const out: CtrlPair[] = [];
  if (!s) return out;
  for (const piece of s.split('|')) {
    const eq = piece.indexOf('=');
    if (eq < 0) continue;
    out.push({ key: piece.slice(0, eq), value: piece.slice(eq + 1) });
  }
  return out;
}

/**
 * The fields of one table, keyed by lower-case field name, last occurrence winning.
 * Keys are matched case-insensitively and with surrounding spaces trimmed (SQL column names);
 * values are kept byte for byte.
 */
export function tableFields(s: string, table: string): Map<string, string> {
  const prefix = `${table.toLowerCase()}.`;
  const fields = new Map<string, string>();
  for (const { key, value } of splitCtrlValues(s)) {
    const k = key.trim().toLowerCase();
    if (k.startsWith(prefix)) fields.set(k.slice(prefix.length), value);
  }
  return fields;
}

/** `parameters` uses the same `name=value|name=value` format (e.g. "CodeMain=" or "_In_Suid=<uuid>"). */
export function parseParameters(s: string | null | undefined): Map<string, string> {
  const params = new Map<string, string>();
  for (const { key, value } of splitCtrlValues(s ?? '')) params.set(key.trim().toLowerCase(), value.trim());
  return params;
}

/** What a well-behaved client would send (test helper): no escaping, exactly like the real clients. */
export function joinCtrlValues(table: string, fields: Record<string, string | number | boolean>): string {
  return Object.entries(fields)
    .map(([k, v]) => `${table}.${k}=${typeof v === 'boolean' ? (v ? '1' : '0') : String(v)}`)
    .join('|');
}
