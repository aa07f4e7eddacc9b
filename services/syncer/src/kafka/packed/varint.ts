// Varints are 7 bits a byte, low bits first; past 31 bits they are computed with arithmetic, since
// JavaScript's bit operators cut numbers to 32 bits (epoch-ms times need 41).

export const MAX_VARINT_BYTES = 8;

export function writeUint(buf: Buffer, at: number, value: number): number {
  let v = value;
  let p = at;
  while (v > 0x7fffffff) {
    buf[p++] = (v % 0x80) | 0x80;
    v = Math.floor(v / 0x80);
  }
  while (v > 0x7f) {
    buf[p++] = (v & 0x7f) | 0x80;
    v >>>= 7;
  }
  buf[p++] = v;
  return p;
}

export const zigzag = (v: number): number => (v >= 0 ? v * 2 : -v * 2 - 1);
export const unzigzag = (v: number): number => (v % 2 === 0 ? v / 2 : -(v + 1) / 2);
