// CRM times are Iran local wall-clock time without a zone ("2026-11-25T06:05:12.123", APIS.md).
// Iran has used a fixed UTC+03:30 since it abolished daylight saving in 2022; older timestamps that fell
// in a pre-2022 summer are off by one hour, which only affects sourceTime (conflict tie-breaking with a
// clock-skew allowance), never change detection (that is checksum based).

const IRAN_OFFSET_MS = (3 * 60 + 30) * 60_000;
const LOCAL_RE = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?$/;

/** Epoch ms of a CRM local time, or null when absent or not in that form (never a guess). */
export function parseCrmLocalTime(value: unknown): number | null {
  if (typeof value !== 'string') return null;
  const s = value.trim();
  // A value that does carry a zone (Z or ±hh:mm) is taken as it says.
  if (/(Z|[+-]\d{2}:?\d{2})$/.test(s) && s.includes('T')) {
    const t = Date.parse(s);
    return Number.isNaN(t) ? null : t;
  }
  const m = LOCAL_RE.exec(s);
  if (!m) return null;
  const [, y, mo, d, h, mi, sec, frac] = m;
  const ms = frac ? Number(frac.padEnd(3, '0').slice(0, 3)) : 0;
  const utc = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(sec ?? 0), ms);
  // Date.UTC silently rolls 2026-02-31 over to March: reject what does not round-trip.
  const check = new Date(utc);
  if (check.getUTCDate() !== Number(d) || check.getUTCMonth() !== Number(mo) - 1) return null;
  return utc - IRAN_OFFSET_MS;
}
