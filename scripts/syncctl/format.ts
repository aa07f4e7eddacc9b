// Pure formatting and argument parsing (unit-tested): tables, times, entity references.

/** A plain text table: columns sized to their widest cell, numbers right-aligned. */
export function table(headers: string[], rows: (string | number | null | undefined)[][]): string {
  const cells = rows.map((r) => headers.map((_, i) => cellText(r[i])));
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i]!.length)));
  const numeric = headers.map(
    (_, i) => rows.length > 0 && rows.every((r) => typeof r[i] === 'number' || r[i] == null),
  );
  const line = (r: string[]) =>
    r
      .map((c, i) => (numeric[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

const cellText = (v: string | number | null | undefined): string =>
  v === null || v === undefined ? '-' : String(v);

const UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * A point in time for --from: ISO 8601 ("2025-01-31T10:00:00Z"), epoch milliseconds, or a duration
 * back from now ("15m", "2h", "1d", "90s"). Throws a message naming the accepted forms.
 */
export function parseTime(input: string, now = Date.now()): number {
  const s = input.trim();
  const rel = /^(\d+(?:\.\d+)?)\s*([smhd])(?:\s*ago)?$/i.exec(s);
  if (rel) return Math.round(now - Number(rel[1]) * UNITS[rel[2]!.toLowerCase()]!);
  if (/^\d{10,}$/.test(s)) return Number(s);
  // A bare date or date-time without a zone would silently mean local time; only accept explicit forms.
  const t = /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2}))?$/.test(s) ? Date.parse(s) : NaN;
  if (Number.isFinite(t)) return t;
  throw new Error(
    `cannot read "${input}" as a time: use ISO 8601 with a zone (2025-01-31T10:00:00Z), epoch milliseconds, or a duration ago (15m, 2h, 1d)`,
  );
}

export type EntityRef =
  { kind: 'canonical'; key: string } | { kind: 'customerNumber'; n: string } | { kind: 'any'; q: string };

const PERSIAN = '۰۱۲۳۴۵۶۷۸۹';
const ARABIC = '٠١٢٣٤٥٦٧٨٩';
export const asciiDigits = (s: string): string =>
  s.replace(/[۰-۹٠-٩]/g, (c) => String(PERSIAN.includes(c) ? PERSIAN.indexOf(c) : ARABIC.indexOf(c)));

/** `customer:12`, `100-12` (a customer number, any digits) or anything else (CRM id, Siagh code). */
export function parseEntityRef(raw: string): EntityRef {
  const s = asciiDigits(raw.trim());
  if (!s)
    throw new Error(
      'an entity reference is required: a customer number (100-123), a canonical key (customer:123), a CRM id or a Siagh code',
    );
  if (/^[a-z-]+:.+/.test(s)) return { kind: 'canonical', key: s };
  const cn = /^100-(\d+)$/.exec(s);
  if (cn) return { kind: 'customerNumber', n: cn[1]! };
  return { kind: 'any', q: s };
}

export function formatTime(ms: number | null | undefined): string {
  return ms === null || ms === undefined ? '-' : new Date(ms).toISOString().replace('.000Z', 'Z');
}

export function truncate(s: string | null | undefined, max: number): string {
  if (!s) return '-';
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}
