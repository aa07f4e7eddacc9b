import { formatIranLocal, formatJalali, jalaliOf, parseIranLocal } from './clock';

describe('Iran local time and Jalali dates', () => {
  it('formats CRM local time without zone (UTC+03:30)', () => {
    expect(formatIranLocal(new Date('2026-11-25T02:35:12.123Z'))).toBe('2026-11-25T06:05:12.123');
    expect(formatIranLocal(new Date('2026-03-20T21:00:00.000Z'))).toBe('2026-03-21T00:30:00.000');
    expect(parseIranLocal('2026-11-25T06:05:12.123').toISOString()).toBe('2026-11-25T02:35:12.123Z');
  });

  it('formats the Jalali system date', () => {
    expect(formatJalali(new Date('2025-11-25T08:00:00Z'))).toBe('1404/09/04');
  });

  it('turns the year at Nowruz in Iran time, not at Gregorian New Year', () => {
    expect(jalaliOf(new Date('2026-01-15T12:00:00Z')).jy).toBe(1404);
    // 2026-03-20 23:59 in Tehran is still the last day of 1404...
    expect(formatJalali(new Date('2026-03-20T20:29:00Z'))).toBe('1404/12/29');
    // ...and one minute later, in UTC still 2026-03-20, it is 1405/01/01.
    expect(formatJalali(new Date('2026-03-20T20:31:00Z'))).toBe('1405/01/01');
  });
});
