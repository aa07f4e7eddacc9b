// Persian text takes two bytes a letter in UTF-8. Text made only of printable ASCII and the letters,
// digits and marks of Persian and Arabic fits one byte a character from a fixed alphabet of 256: the
// names, addresses and cities of a CRM are such text, and half their bytes go.

const ALPHABET: number[] = [0x09, 0x0a, 0x0d];
for (let c = 0x20; c <= 0x7e; c++) ALPHABET.push(c);
const ranges: [number, number][] = [
  [0x00ab, 0x00ab],
  [0x00bb, 0x00bb],
  [0x060c, 0x060c],
  [0x061b, 0x061b],
  [0x061f, 0x061f],
  [0x0621, 0x063a],
  [0x0640, 0x0655],
  [0x0660, 0x066d],
  [0x0670, 0x0670],
  [0x0679, 0x0679],
  [0x067e, 0x067e],
  [0x0686, 0x0686],
  [0x0698, 0x0698],
  [0x06a9, 0x06a9],
  [0x06af, 0x06af],
  [0x06c0, 0x06c1],
  [0x06cc, 0x06cc],
  [0x06d2, 0x06d2],
  [0x06f0, 0x06f9],
  [0x200c, 0x200f],
];
for (const [from, to] of ranges) for (let c = from; c <= to; c++) ALPHABET.push(c);
if (ALPHABET.length > 256) throw new Error('the narrow alphabet must fit a byte');

/** Char code to its byte in the alphabet, or -1. */
const BYTE_OF = new Int16Array(0x10000).fill(-1);
ALPHABET.forEach((c, i) => (BYTE_OF[c] = i));
const CODE_OF = Uint16Array.from(ALPHABET);

/** Whether the narrow form pays: every character is in the alphabet and some are not ASCII. */
export function isNarrow(s: string): boolean {
  let wide = false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (BYTE_OF[c]! < 0) return false;
    if (c > 0x7f) wide = true;
  }
  return wide;
}

export function writeNarrow(s: string, buf: Buffer, at: number): number {
  for (let i = 0; i < s.length; i++) buf[at + i] = BYTE_OF[s.charCodeAt(i)]!;
  return at + s.length;
}

/** The text of `chars` bytes at `at`, made through `scratch` (two bytes a character, UTF-16LE). */
export function readNarrow(src: Buffer, at: number, chars: number, scratch: Buffer): string {
  for (let i = 0; i < chars; i++) {
    const c = CODE_OF[src[at + i]!]!;
    scratch[2 * i] = c & 0xff;
    scratch[2 * i + 1] = c >> 8;
  }
  return (scratch as unknown as { ucs2Slice(start: number, end: number): string }).ucs2Slice(0, 2 * chars);
}
