// Text normalization for comparing and hashing Persian text. Users of both systems type with Arabic and
// Persian keyboards, paste from Word (presentation forms, tatweel, bidi marks) and mix digit scripts;
// none of that is a real change, so every comparison goes through these functions first.
// Every function here is pure and idempotent (f(f(x)) === f(x)), which a property test checks.

const LETTER_MAP: Readonly<Record<string, string>> = {
  '\u064A': '\u06CC', // ي Arabic yeh -> ی
  '\u0649': '\u06CC', // ى alef maksura -> ی
  '\u06D2': '\u06CC', // ے yeh barree -> ی
  '\u0643': '\u06A9', // ك Arabic kaf -> ک
  '\u06AA': '\u06A9', // ڪ swash kaf -> ک
  '\u0629': '\u0647', // ة teh marbuta -> ه (Persian writes it as heh)
  '\u06C0': '\u0647', // ۀ heh with yeh above -> ه (the ezafe mark is typing style, not content)
  '\u06C1': '\u0647', // ہ heh goal -> ه
  '\u06D5': '\u0647', // ە ae -> ه
  '\u06BE': '\u0647', // ھ heh doachashmee -> ه
};

// Harakat, superscript alef and tatweel carry no identity in names and addresses.
const STRIP_RE = /[\u064B-\u0652\u0670\u0640]/g;
// Invisible characters that only ever arrive by copy-paste: ZWSP, ZWJ, bidi marks/embeddings, BOM, soft hyphen.
const INVISIBLE_RE = /[\u200B\u200E\u200F\u202A-\u202E\u2066-\u2069\uFEFF\u00AD]|\u200D/g;
const LETTER_RE = /[\u064A\u0649\u06D2\u0643\u06AA\u0629\u06C0\u06C1\u06D5\u06BE]/g;
const WHITESPACE_RE = /[\s\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]+/g;
const ZWNJ = '\u200C';

/** Persian (۰-۹) and Arabic-Indic (٠-٩) digits to ASCII; nothing else changes. */
export function toAsciiDigits(value: string): string {
  return value.replace(/[\u06F0-\u06F9\u0660-\u0669]/g, (d) => {
    const code = d.charCodeAt(0);
    return String(code >= 0x06f0 ? code - 0x06f0 : code - 0x0660);
  });
}

/** Arabic letter forms to their Persian equivalents (ي ى → ی, ك → ک, ة ۀ → ه), harakat and tatweel removed. */
export function toPersianLetters(value: string): string {
  return value.replace(LETTER_RE, (c) => LETTER_MAP[c] ?? c).replace(STRIP_RE, '');
}

/**
 * ZWNJ (نیم‌فاصله) is meaningful between two letters, so it is kept there, but repeats collapse to one and a
 * ZWNJ next to a space or at either end is dropped: those only come from sloppy typing.
 */
export function normalizeZwnj(value: string): string {
  return value
    .replace(/[ \u200C]*\u200C[ \u200C]*/g, (run) => (run.includes(' ') ? ' ' : ZWNJ))
    .replace(/^[ \u200C]+|[ \u200C]+$/g, '');
}

/** All Unicode whitespace (tabs, CR/LF, NBSP, thin spaces) collapsed to one ASCII space, trimmed. */
export function collapseWhitespace(value: string): string {
  return value.replace(WHITESPACE_RE, ' ').trim();
}

/**
 * The full normalization for free text (names, addresses, descriptions).
 * NFKC folds Arabic presentation forms and full-width characters to their base letters.
 */
export function normalizeText(value: string | null | undefined): string {
  if (value === null || value === undefined) return '';
  let v = value.normalize('NFKC').replace(INVISIBLE_RE, '');
  v = toPersianLetters(v);
  v = toAsciiDigits(v);
  v = collapseWhitespace(v);
  v = normalizeZwnj(v);
  v = collapseWhitespace(v);
  return v.normalize('NFC');
}
