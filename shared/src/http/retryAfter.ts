// Retry-After (RFC 9110 §10.2.3) is either delay-seconds or an HTTP-date. Both mean "not before then".

/** Milliseconds to wait from `nowMs`, or undefined when the header is absent or unreadable. */
export function parseRetryAfter(
  value: string | string[] | undefined | null,
  nowMs: number = Date.now(),
): number | undefined {
  const raw = Array.isArray(value) ? value[0] : value;
  if (raw === undefined || raw === null) return undefined;
  const v = raw.trim();
  if (v === '') return undefined;
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  // Only date-looking values: Date.parse accepts odd strings like "1" or "-5".
  if (!/[a-z]/i.test(v)) return undefined;
  const at = Date.parse(v);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}
