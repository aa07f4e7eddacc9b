export { normalizeText, toAsciiDigits, toPersianLetters, normalizeZwnj, collapseWhitespace } from './text';
export { normalizePhone, normalizeMobile, isIranianMobile } from './phone';
export { normalizeEmail, normalizeDigits, normalizeNationalCode, isValidNationalCode } from './identity';
