// Reads what packer.ts writes. A record is copied into one reused buffer first (a native copy of a few
// hundred bytes), then read with plain indexing: no allocation but the values themselves.
import { Tag } from './tags';
import { readAscii } from './strings';
import type { Shapes } from './shapes';
import { REF_MIN_LENGTH, TIME_ORIGIN } from './packer';
import { unzigzag } from './varint';
import { readNarrow } from './narrow';
import { WORDS } from './words';

/**
 * Buffer's own slice methods, under its documented toString(): called straight, they save the
 * encoding lookup that toString makes on each of a state's dozen strings.
 */
export interface NativeSlices {
  utf8Slice(start: number, end: number): string;
  latin1Slice(start: number, end: number): string;
}

export class Unpacker {
  private buf = Buffer.allocUnsafe(4096);
  private slices = this.buf as unknown as NativeSlices;
  private ascii = Buffer.allocUnsafe(256);
  private pos = 0;
  private key = '';
  private time = TIME_ORIGIN;
  private readonly refs: string[] = [];

  constructor(private readonly shapes: Shapes) {}

  begin(key: string, record: string): void {
    if (record.length > this.buf.length) {
      this.buf = Buffer.allocUnsafe(record.length * 2);
      this.slices = this.buf as unknown as NativeSlices;
    }
    this.buf.write(record, 0, record.length, 'latin1');
    this.pos = 0;
    this.key = key;
    this.time = TIME_ORIGIN;
    this.refs.length = 0;
  }

  byte(): number {
    return this.buf[this.pos++]!;
  }

  uint(): number {
    let b = this.buf[this.pos++]!;
    if (b < 0x80) return b;
    let v = b & 0x7f;
    let scale = 0x80;
    do {
      b = this.buf[this.pos++]!;
      v += (b & 0x7f) * scale;
      scale *= 0x80;
    } while (b >= 0x80);
    return v;
  }

  value(): unknown {
    const tag = this.byte();
    if (tag >= Tag.Small) return tag - Tag.Small;
    switch (tag) {
      case Tag.Null:
        return null;
      case Tag.Undefined:
        return undefined;
      case Tag.False:
        return false;
      case Tag.True:
        return true;
      case Tag.Uint:
        return this.uint();
      case Tag.Negative:
        return -this.uint();
      case Tag.Float: {
        const v = this.buf.readDoubleLE(this.pos);
        this.pos += 8;
        return v;
      }
      case Tag.Time:
        this.time += unzigzag(this.uint());
        return this.time;
      case Tag.Empty:
        return '';
      case Tag.Key:
        return this.key;
      case Tag.Ref:
        return this.ref(this.uint());
      case Tag.Word:
        return this.word(this.uint());
      case Tag.Array: {
        const n = this.uint();
        const out: unknown[] = new Array<unknown>(n);
        for (let i = 0; i < n; i++) out[i] = this.value();
        return out;
      }
      case Tag.Shaped:
        return this.shaped(this.uint());
      case Tag.Keyed:
        return this.keyed(this.uint());
      default:
        return this.string(tag);
    }
  }

  private string(tag: number): string {
    let s: string;
    if (tag === Tag.Utf8) {
      const n = this.uint();
      s = this.slices.utf8Slice(this.pos, this.pos + n);
      this.pos += n;
    } else if (tag === Tag.Narrow) {
      const chars = this.uint();
      if (chars * 2 > this.ascii.length) this.ascii = Buffer.allocUnsafe(chars * 4);
      s = readNarrow(this.buf, this.pos, chars, this.ascii);
      this.pos += chars;
    } else if (tag === Tag.Digits) {
      const chars = this.uint();
      s = this.asciiOf(Tag.Digits, (chars + 1) >> 1, chars);
    } else if (tag === Tag.HexLower || tag === Tag.HexUpper) {
      s = this.asciiOf(tag, this.uint(), 0);
    } else if (tag === Tag.UuidLower || tag === Tag.UuidUpper) {
      s = this.asciiOf(tag, 16, 0);
    } else {
      throw new Error(`packed state has unknown tag ${tag}`);
    }
    if (s.length >= REF_MIN_LENGTH) this.refs.push(s);
    return s;
  }

  private asciiOf(
    tag:
      | typeof Tag.Digits
      | typeof Tag.HexLower
      | typeof Tag.HexUpper
      | typeof Tag.UuidLower
      | typeof Tag.UuidUpper,
    bytes: number,
    chars: number,
  ): string {
    if (bytes * 2 + 4 > this.ascii.length) this.ascii = Buffer.allocUnsafe(bytes * 4 + 4);
    const s = readAscii(tag, this.buf, this.pos, bytes, chars, this.ascii);
    this.pos += bytes;
    return s;
  }

  private word(i: number): string {
    const w = WORDS[i];
    if (w === undefined) throw new Error(`packed state refers to unknown word ${i}`);
    return w;
  }

  private ref(i: number): string {
    const s = this.refs[i];
    if (s === undefined) throw new Error(`packed state refers to unknown string ${i}`);
    return s;
  }

  private shaped(id: number): Record<string, unknown> {
    const keys = this.shapes.keysOf(id);
    const out = { ...this.shapes.templateOf(id) };
    for (let i = 0; i < keys.length; i++) out[keys[i]!] = this.value();
    return out;
  }

  private keyed(n: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (let i = 0; i < n; i++) {
      const k = this.value();
      if (typeof k !== 'string') throw new Error('packed state has an object key that is not a string');
      put(out, k, this.value());
    }
    return out;
  }
}

/** Peeks at a record's leading unsigned varints without copying it (see packedStates.ts's header). */
export function peekUints(record: string, count: number): number[] {
  const out: number[] = [];
  let p = 0;
  for (let i = 0; i < count; i++) {
    let b = record.charCodeAt(p++);
    let v = b & 0x7f;
    let scale = 0x80;
    while (b >= 0x80) {
      b = record.charCodeAt(p++);
      v += (b & 0x7f) * scale;
      scale *= 0x80;
    }
    out.push(v);
  }
  return out;
}

// `out[k] = v` with k "__proto__" would set the prototype, not a key as JSON.parse makes it.
function put(out: Record<string, unknown>, k: string, v: unknown): void {
  if (k === '__proto__')
    Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  else out[k] = v;
}
