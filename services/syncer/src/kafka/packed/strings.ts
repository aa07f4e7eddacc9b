// The forms a string takes in a packed state. Most of a state's bytes are ids and checksums: sha256 hex
// (half its length as bytes), GUIDs (16 bytes instead of 36), and digit strings such as Siagh codes,
// national codes, phone and postal numbers (two digits a byte; leading zeros kept). Anything else is
// UTF-8, or for Persian text one byte a character (narrow.ts). The upper and lower case forms are told apart so that a string always comes back as it went in.

import { Tag, type StringTag } from './tags';
import type { NativeSlices } from './unpacker';
import { isNarrow } from './narrow';

const DIGITS = /^[0-9]+$/;
// eslint-disable-next-line no-control-regex
const ASCII = /^[\x00-\x7f]*$/;
const HEX_LOWER = /^(?:[0-9a-f]{2})+$/;
const HEX_UPPER = /^(?:[0-9A-F]{2})+$/;
const UUID_LOWER = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const UUID_UPPER = /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/;

export function formOf(s: string): StringTag {
  if (DIGITS.test(s)) return Tag.Digits;
  if (s.charCodeAt(0) > 0x7f || !ASCII.test(s)) return isNarrow(s) ? Tag.Narrow : Tag.Utf8;
  if (s.length === 36 && s.charCodeAt(8) === 45) {
    if (UUID_LOWER.test(s)) return Tag.UuidLower;
    if (UUID_UPPER.test(s)) return Tag.UuidUpper;
  }
  if (HEX_LOWER.test(s)) return Tag.HexLower;
  if (HEX_UPPER.test(s)) return Tag.HexUpper;
  return Tag.Utf8;
}

const nibble = (c: number): number => (c <= 57 ? c - 48 : (c | 32) - 87);

/** Writes the hex digits of `s` (dashes skipped) as bytes at `at`; returns the position after them. */
export function writeHex(s: string, buf: Buffer, at: number): number {
  let p = at;
  let high = -1;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 45) continue;
    if (high < 0) high = nibble(c);
    else {
      buf[p++] = (high << 4) | nibble(c);
      high = -1;
    }
  }
  return p;
}

/** Writes decimal digits two to a byte (the first digit in the high nibble). */
export function writeDigits(s: string, buf: Buffer, at: number): number {
  let p = at;
  for (let i = 0; i < s.length; i += 2) {
    const low = i + 1 < s.length ? s.charCodeAt(i + 1) - 48 : 0;
    buf[p++] = ((s.charCodeAt(i) - 48) << 4) | low;
  }
  return p;
}

const LOWER = Array.from('0123456789abcdef', (c) => c.charCodeAt(0));
const UPPER = Array.from('0123456789ABCDEF', (c) => c.charCodeAt(0));

/**
 * Decodes the non-UTF-8 forms into `scratch` as ASCII and returns that text. The caller makes sure
 * scratch holds the result (at most 2 characters a byte, plus a GUID's dashes).
 */
export function readAscii(
  form: StringTag,
  src: Buffer,
  at: number,
  bytes: number,
  chars: number,
  scratch: Buffer,
): string {
  let o = 0;
  if (form === Tag.Digits) {
    for (let i = 0; i < chars; i++) {
      const b = src[at + (i >> 1)]!;
      scratch[o++] = 48 + ((i & 1) === 0 ? b >> 4 : b & 15);
    }
    return (scratch as unknown as NativeSlices).latin1Slice(0, o);
  }
  const table = form === Tag.HexUpper || form === Tag.UuidUpper ? UPPER : LOWER;
  const dashes = form === Tag.UuidLower || form === Tag.UuidUpper;
  for (let i = 0; i < bytes; i++) {
    if (dashes && (i === 4 || i === 6 || i === 8 || i === 10)) scratch[o++] = 45;
    const b = src[at + i]!;
    scratch[o++] = table[b >> 4]!;
    scratch[o++] = table[b & 15]!;
  }
  return (scratch as unknown as NativeSlices).latin1Slice(0, o);
}
