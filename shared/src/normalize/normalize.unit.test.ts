import fc from 'fast-check';
import {
  normalizeText,
  toAsciiDigits,
  normalizePhone,
  isIranianMobile,
  normalizeEmail,
  normalizeNationalCode,
  isValidNationalCode,
  normalizeDigits,
} from './index';

// Strings biased toward the characters normalization cares about, so properties hit the interesting cases.
const tricky = fc.constantFrom(
  'ي',
  'ى',
  'ك',
  'ة',
  'ۀ',
  'ی',
  'ک',
  'ه',
  '\u200c',
  '\u200c\u200c',
  ' ',
  '\u00a0',
  '\t',
  '\n',
  '\r\n',
  '۰',
  '۹',
  '٠',
  '٩',
  '+98',
  '0098',
  '98',
  '9',
  '0',
  '-',
  '(',
  ')',
  'ـ',
  '\u064e',
  '\u0653',
  'ا',
  'آ',
  '\ufeff',
  '\u200f',
  'ﻻ',
  '｜',
  '＝',
  'A',
  'b',
  '@',
  '.',
  '|',
  '=',
);
const trickyString = fc.oneof(
  fc.string(),
  fc.array(tricky, { maxLength: 30 }).map((a) => a.join('')),
  fc.string({ unit: 'grapheme' }),
);

describe('normalizeText', () => {
  it('folds Arabic letter forms to Persian', () => {
    expect(normalizeText('علي كريمي')).toBe('علی کریمی');
    expect(normalizeText('مصطفى')).toBe('مصطفی');
    expect(normalizeText('فاطمة')).toBe('فاطمه');
    expect(normalizeText('خانۀ')).toBe('خانه');
  });

  it('converts Persian and Arabic-Indic digits to ASCII', () => {
    expect(toAsciiDigits('۱۲۳۴۵۶۷۸۹۰')).toBe('1234567890');
    expect(toAsciiDigits('٠١٢٣٤٥٦٧٨٩')).toBe('0123456789');
    expect(normalizeText('پلاک ۱۲')).toBe('پلاک 12');
  });

  it('collapses whitespace of every kind and trims', () => {
    expect(normalizeText('  تهران\u00a0\t خیابان\r\nآزادی  ')).toBe('تهران خیابان آزادی');
  });

  it('keeps one ZWNJ between letters and drops stray ones', () => {
    expect(normalizeText('می\u200c\u200cروم')).toBe('می\u200cروم');
    expect(normalizeText('\u200cمی \u200c روم\u200c')).toBe('می روم');
  });

  it('removes tatweel, harakat and invisible marks', () => {
    expect(normalizeText('محـــمد')).toBe('محمد');
    expect(normalizeText('مُحَمَّد')).toBe('محمد');
    expect(normalizeText('\u200fعلی\ufeff')).toBe('علی');
  });

  it('treats null and undefined as empty', () => {
    expect(normalizeText(null)).toBe('');
    expect(normalizeText(undefined)).toBe('');
  });

  it('is idempotent', () => {
    fc.assert(
      fc.property(trickyString, (s) => normalizeText(normalizeText(s)) === normalizeText(s)),
      { numRuns: 5000 },
    );
  });
});

describe('normalizePhone', () => {
  it.each([
    ['09121234567', '09121234567'],
    ['+989121234567', '09121234567'],
    ['00989121234567', '09121234567'],
    ['989121234567', '09121234567'],
    ['9121234567', '09121234567'],
    ['۰۹۱۲ ۱۲۳ ۴۵۶۷', '09121234567'],
    ['٠٩١٢١٢٣٤٥٦٧', '09121234567'],
    ['+98 (0) 912-123-4567', '09121234567'],
    ['021-88776655', '02188776655'],
    ['(021) 8877 6655', '02188776655'],
    ['+98 21 8877 6655', '02188776655'],
    ['88776655', '88776655'],
    ['', ''],
    ['n/a', ''],
  ])('%s -> %s', (input, expected) => {
    expect(normalizePhone(input)).toBe(expected);
  });

  it('recognises mobiles by shape', () => {
    expect(isIranianMobile('+98 912 123 4567')).toBe(true);
    expect(isIranianMobile('021 8877 6655')).toBe(false);
  });

  it('is idempotent', () => {
    fc.assert(
      fc.property(trickyString, (s) => normalizePhone(normalizePhone(s)) === normalizePhone(s)),
      { numRuns: 5000 },
    );
  });

  it('gives every spelling of one mobile the same form', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^9\d{9}$/), (n) => {
        const forms = [`0${n}`, `+98${n}`, `0098${n}`, `98${n}`, n, `+98 ${n.slice(0, 3)} ${n.slice(3)}`];
        return new Set(forms.map(normalizePhone)).size === 1 && normalizePhone(n) === `0${n}`;
      }),
    );
  });
});

describe('identifiers', () => {
  it('lowercases emails and removes spaces', () => {
    expect(normalizeEmail('  Ali.Karimi@Example.COM ')).toBe('ali.karimi@example.com');
  });

  it('pads national codes that lost leading zeros', () => {
    expect(normalizeNationalCode('۰۰۱۲۳۴۵۶۷۸')).toBe('0012345678');
    expect(normalizeNationalCode('12345678')).toBe('0012345678');
    expect(normalizeNationalCode('10101234567')).toBe('10101234567');
  });

  it('validates national code check digits', () => {
    expect(isValidNationalCode('0499370899')).toBe(true);
    expect(isValidNationalCode('0499370898')).toBe(false);
    expect(isValidNationalCode('1111111111')).toBe(false);
  });

  it('keeps digits only for postal codes', () => {
    expect(normalizeDigits('۱۲۳۴۵-۶۷۸۹۰')).toBe('1234567890');
  });

  it('is idempotent', () => {
    fc.assert(
      fc.property(trickyString, (s) =>
        [normalizeEmail, normalizeNationalCode, normalizeDigits].every((f) => f(f(s)) === f(s)),
      ),
      { numRuns: 5000 },
    );
  });
});
