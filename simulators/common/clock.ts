import { toJalaali } from 'jalaali-js';

// Each simulated system has its own clock so a test can skew it (clock offset fault) without
// touching the test process's time.
export class SimClock {
  constructor(public offsetMs = 0) {}

  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }
}

const IRAN_OFFSET_MS = (3 * 60 + 30) * 60 * 1000;

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** The wall-clock parts in Iran (UTC+03:30; Iran has had no DST since 2022). */
function iranParts(d: Date) {
  const t = new Date(d.getTime() + IRAN_OFFSET_MS);
  return {
    y: t.getUTCFullYear(),
    m: t.getUTCMonth() + 1,
    d: t.getUTCDate(),
    hh: t.getUTCHours(),
    mm: t.getUTCMinutes(),
    ss: t.getUTCSeconds(),
    ms: t.getUTCMilliseconds(),
  };
}

/** CRM style local time without zone: "2026-11-25T06:05:12.123". */
export function formatIranLocal(d: Date): string {
  const p = iranParts(d);
  return `${p.y}-${pad(p.m)}-${pad(p.d)}T${pad(p.hh)}:${pad(p.mm)}:${pad(p.ss)}.${pad(p.ms, 3)}`;
}

/** Inverse of formatIranLocal (for tests and checkers). */
export function parseIranLocal(s: string): Date {
  return new Date(new Date(`${s}Z`).getTime() - IRAN_OFFSET_MS);
}

export interface JalaliDate {
  jy: number;
  jm: number;
  jd: number;
}

/** The Jalali calendar date of the given instant as seen in Iran. */
export function jalaliOf(d: Date): JalaliDate {
  const p = iranParts(d);
  return toJalaali(p.y, p.m, p.d);
}

/** Siagh style "1404/09/04". */
export function formatJalali(d: Date): string {
  const j = jalaliOf(d);
  return `${j.jy}/${pad(j.jm)}/${pad(j.jd)}`;
}

/** Siagh style time "14:05:09". */
export function formatIranTime(d: Date): string {
  const p = iranParts(d);
  return `${pad(p.hh)}:${pad(p.mm)}:${pad(p.ss)}`;
}
