import { jalaliTehran } from './jalali';

describe('Jalali date-time in Tehran, as the audit CSV writes it', () => {
  it('converts a known date', () => {
    expect(jalaliTehran(Date.UTC(2025, 10, 20, 8, 0, 0))).toBe('1404/08/29 11:30:00 +03:30');
  });

  it('turns the year at midnight Tehran time, not at UTC midnight or at the equinox', () => {
    // The equinox of 1404 fell at 12:31 Tehran time on 2025-03-20, after noon: the year began the next day.
    expect(jalaliTehran(Date.parse('2025-03-20T09:01:00Z'))).toBe('1403/12/30 12:31:00 +03:30');
    expect(jalaliTehran(Date.parse('2025-03-20T20:29:59Z'))).toBe('1403/12/30 23:59:59 +03:30');
    expect(jalaliTehran(Date.parse('2025-03-20T20:30:00Z'))).toBe('1404/01/01 00:00:00 +03:30');
    expect(jalaliTehran(Date.parse('2025-03-21T00:00:00Z'))).toBe('1404/01/01 03:30:00 +03:30');
  });

  it('takes the offset from the time zone data: Iran kept summer time until 2022', () => {
    expect(jalaliTehran(Date.parse('2022-06-01T12:00:00Z'))).toBe('1401/03/11 16:30:00 +04:30');
    expect(jalaliTehran(Date.parse('2024-06-01T12:00:00Z'))).toBe('1403/03/12 15:30:00 +03:30');
  });

  it('writes Latin digits only, so spreadsheets read it', () => {
    const s = jalaliTehran(Date.parse('2025-11-20T08:01:30Z'));
    expect(s).toMatch(/^\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d [+-]\d\d:\d\d$/);
    expect(s).not.toMatch(/[\u0660-\u0669\u06F0-\u06F9]/);
  });
});
