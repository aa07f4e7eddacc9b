/**
 * Iranian readers date things in the Jalali (Solar Hijri) calendar and Tehran time. ICU knows both
 * the calendar and Iran's offset history (+04:30 in the summers up to 2022), so nothing here is
 * computed by hand. Latin digits: the text lands in spreadsheets, which do not parse Persian ones.
 */
const TEHRAN = new Intl.DateTimeFormat('en-u-ca-persian-nu-latn', {
  timeZone: 'Asia/Tehran',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
  timeZoneName: 'longOffset',
});

/** e.g. 2025-11-20T08:00:00Z → "1404/08/29 11:30:00 +03:30". */
export function jalaliTehran(ms: number): string {
  const p: Partial<Record<Intl.DateTimeFormatPartTypes, string>> = {};
  for (const { type, value } of TEHRAN.formatToParts(ms)) p[type] = value;
  // ICU writes the offset "GMT+03:30", or a bare "GMT" for a zero one.
  const offset = (p.timeZoneName ?? 'GMT').replace(/^GMT/, '') || '+00:00';
  return `${p.year}/${p.month}/${p.day} ${p.hour}:${p.minute}:${p.second} ${offset}`;
}
