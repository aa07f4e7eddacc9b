// Writes JSON-like values (what a state is made of: plain objects, arrays, strings, numbers, booleans,
// null, undefined) in the packed form, into one reused buffer; a record comes out as a one-byte string,
// a byte a character, which costs the heap little more than its bytes and needs no arena of our own.
import { Tag } from './tags';
import { formOf, writeDigits, writeHex } from './strings';
import type { Shapes } from './shapes';
import { writeNarrow } from './narrow';
import { WORD_IDS } from './words';
import { MAX_VARINT_BYTES, writeUint, zigzag } from './varint';

/** Strings this long or longer are written once per record and referred to after (written == seen). */
export const REF_MIN_LENGTH = 8;
/** Integers in this range are taken for epoch-ms times and written as a distance from the previous one. */
export const TIME_MIN = 1e11;
export const TIME_MAX = 1e15;
/** Where a record's chain of time distances starts (late 2023): its first time is a short distance too. */
export const TIME_ORIGIN = 1.7e12;
const SMALL_MAX = 255 - Tag.Small;

export class Packer {
  private buf = Buffer.allocUnsafe(4096);
  private pos = 0;
  private key = '';
  private time = TIME_ORIGIN;
  private readonly refs = new Map<string, number>();

  constructor(private readonly shapes: Shapes) {}

  begin(key: string): void {
    this.pos = 0;
    this.key = key;
    this.time = TIME_ORIGIN;
    this.refs.clear();
  }

  /** The record written since begin(). */
  end(): string {
    return this.buf.toString('latin1', 0, this.pos);
  }

  byte(b: number): void {
    this.room(1);
    this.buf[this.pos++] = b;
  }

  uint(v: number): void {
    this.room(MAX_VARINT_BYTES);
    this.pos = writeUint(this.buf, this.pos, v);
  }

  value(v: unknown): void {
    switch (typeof v) {
      case 'string':
        return this.string(v);
      case 'number':
        return this.number(v);
      case 'boolean':
        return this.byte(v ? Tag.True : Tag.False);
      case 'undefined':
        return this.byte(Tag.Undefined);
      case 'object':
        if (v === null) return this.byte(Tag.Null);
        if (Array.isArray(v)) return this.array(v);
        if (isPlain(v)) return this.object(v as Record<string, unknown>);
        // What the changelog would keep of it (a Date becomes its ISO string): the same after a restart.
        return this.value(JSON.parse(JSON.stringify(v)));
      default:
        throw new TypeError(`an entity state cannot hold a ${typeof v}`);
    }
  }

  private number(v: number): void {
    if (Number.isSafeInteger(v) && !Object.is(v, -0)) {
      if (v >= 0 && v <= SMALL_MAX) return this.byte(Tag.Small + v);
      if (v >= TIME_MIN && v <= TIME_MAX) {
        this.byte(Tag.Time);
        this.uint(zigzag(v - this.time));
        this.time = v;
        return;
      }
      this.byte(v >= 0 ? Tag.Uint : Tag.Negative);
      return this.uint(Math.abs(v));
    }
    this.byte(Tag.Float);
    this.room(8);
    this.pos = this.buf.writeDoubleLE(v, this.pos);
  }

  private string(s: string): void {
    if (s.length === 0) return this.byte(Tag.Empty);
    if (s === this.key) return this.byte(Tag.Key);
    const word = WORD_IDS.get(s);
    if (word !== undefined) {
      this.byte(Tag.Word);
      return this.uint(word);
    }
    if (s.length >= REF_MIN_LENGTH) {
      const ref = this.refs.get(s);
      if (ref !== undefined) {
        this.byte(Tag.Ref);
        return this.uint(ref);
      }
      this.refs.set(s, this.refs.size);
    }
    const form = formOf(s);
    this.byte(form);
    if (form === Tag.Utf8) {
      const bytes = Buffer.byteLength(s, 'utf8');
      this.uint(bytes);
      this.room(bytes);
      this.pos += this.buf.write(s, this.pos, bytes, 'utf8');
      return;
    }
    if (form === Tag.Narrow) {
      this.uint(s.length);
      this.room(s.length);
      this.pos = writeNarrow(s, this.buf, this.pos);
      return;
    }
    // A GUID's length is known; digits need their count (odd or even), hex its bytes.
    if (form === Tag.Digits) this.uint(s.length);
    else if (form === Tag.HexLower || form === Tag.HexUpper) this.uint(s.length / 2);
    this.room(s.length);
    this.pos = form === Tag.Digits ? writeDigits(s, this.buf, this.pos) : writeHex(s, this.buf, this.pos);
  }

  private array(v: readonly unknown[]): void {
    this.byte(Tag.Array);
    this.uint(v.length);
    for (let i = 0; i < v.length; i++) this.value(v[i]);
  }

  private object(v: Record<string, unknown>): void {
    const keys = Object.keys(v);
    const id = this.shapes.idOf(keys);
    if (id === undefined) {
      this.byte(Tag.Keyed);
      this.uint(keys.length);
      for (const k of keys) {
        this.string(k);
        this.value(v[k]);
      }
      return;
    }
    this.byte(Tag.Shaped);
    this.uint(id);
    for (const k of keys) this.value(v[k]);
  }

  private room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(bigger, 0, 0, this.pos);
    this.buf = bigger;
  }
}

function isPlain(v: object): boolean {
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}
