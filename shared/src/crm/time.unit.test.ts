import { parseCrmLocalTime } from './time';

describe('parseCrmLocalTime', () => {
  it('reads Iran local time (UTC+03:30) without zone', () => {
    expect(parseCrmLocalTime('2026-11-25T06:05:12.123')).toBe(Date.parse('2026-11-25T02:35:12.123Z'));
    expect(parseCrmLocalTime('2026-11-25T06:05:12')).toBe(Date.parse('2026-11-25T02:35:12Z'));
    expect(parseCrmLocalTime('2026-11-25 06:05')).toBe(Date.parse('2026-11-25T02:35:00Z'));
  });
  it('crosses midnight and years correctly', () => {
    expect(parseCrmLocalTime('2026-01-01T02:00:00')).toBe(Date.parse('2025-12-31T22:30:00Z'));
  });
  it('keeps sub-millisecond precision out and an explicit zone in', () => {
    expect(parseCrmLocalTime('2026-11-25T06:05:12.1234567')).toBe(Date.parse('2026-11-25T02:35:12.123Z'));
    expect(parseCrmLocalTime('2026-11-25T06:05:12Z')).toBe(Date.parse('2026-11-25T06:05:12Z'));
  });
  it('refuses what is not a time', () => {
    expect(parseCrmLocalTime(null)).toBeNull();
    expect(parseCrmLocalTime('')).toBeNull();
    expect(parseCrmLocalTime('1404/09/04')).toBeNull();
    expect(parseCrmLocalTime('2026-02-31T00:00:00')).toBeNull();
  });
});
