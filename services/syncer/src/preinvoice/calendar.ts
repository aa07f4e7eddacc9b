import { isValidJalaaliDate, toGregorian } from 'jalaali-js';
import { permanent } from '@siaghsync/shared/errors';
import { toAsciiDigits } from '@siaghsync/shared/normalize/text';

// Dates come from Siagh's own session: FiscalYear and the Jalali SystemDate. Never "Gregorian − 621"
// (wrong from January to the March equinox). jalaali-js checks and converts; no hand-written arithmetic.

export interface JalaliSession {
  fiscalYear: number;
  /** Jalali "YYYY/MM/DD" with Latin digits. */
  systemDate: string;
  /** The same day as an ISO Gregorian date, for the audit. */
  gregorianDate: string;
}

export function jalaliSession(session: { fiscalYear: number; systemDate: string }): JalaliSession {
  const text = toAsciiDigits(session.systemDate).trim();
  const m = /^(\d{4})[/-](\d{1,2})[/-](\d{1,2})$/.exec(text);
  if (!m || !isValidJalaaliDate(Number(m[1]), Number(m[2]), Number(m[3]))) {
    throw permanent(
      'PREINVOICE_BAD_SESSION_DATE',
      `Siagh's SystemDate "${session.systemDate}" is not a Jalali date`,
      {
        details: { systemDate: session.systemDate },
      },
    );
  }
  const [jy, jm, jd] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const g = toGregorian(jy, jm, jd);
  const pad = (n: number) => String(n).padStart(2, '0');
  return {
    fiscalYear: session.fiscalYear,
    systemDate: `${jy}/${pad(jm)}/${pad(jd)}`,
    gregorianDate: `${g.gy}-${pad(g.gm)}-${pad(g.gd)}`,
  };
}
