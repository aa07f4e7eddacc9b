// Committed entity states kept packed (packer.ts), a one-byte string each, with the most recently
// used ones also kept decoded. A syncer holds every entity of its partitions, a million and more; as
// objects restored from the changelog they took ~1.45 KB each, packed ~330 bytes with their key
// (bench/lib/stateMemory.ts). A decode costs a few µs, and an entity's events come in bursts, so the
// decoded few serve most reads. The packed record is the truth: a decoded copy is only ever dropped.
import type { EntityState } from '../../decide/state';
import { Lru } from './lru';
import { Packer } from './packer';
import { Shapes } from './shapes';
import { peekUints, Unpacker } from './unpacker';
import { unzigzag, zigzag } from './varint';

export type Version = Pick<EntityState, 'generation' | 'version'>;

// A record starts with flags, generation and version, so that ordering and the restore's search for
// parked events read a few bytes instead of decoding the state.
const HAS_PENDING = 1;

export const DEFAULT_HOT_STATES = 1024;

// A customer's key is `customer:<n>`: kept by its number, a million keys cost no key strings (32 bytes
// each). Only numbers that print back to the same key, and stay small integers in V8, are taken.
const PREFIX = 'customer:';

/** n of `customer:<n>` (no leading zero, at most 9 digits), else -1. */
function numberOf(key: string): number {
  const len = key.length;
  if (len <= PREFIX.length || len > PREFIX.length + 9 || !key.startsWith(PREFIX)) return -1;
  let n = 0;
  for (let i = PREFIX.length; i < len; i++) {
    const d = key.charCodeAt(i) - 48;
    if (d < 0 || d > 9 || (d === 0 && i === PREFIX.length)) return -1;
    n = n * 10 + d;
  }
  return n;
}

/** Packed records by key; customers' by their number. */
class Records {
  private readonly numbered = new Map<number, string>();
  private readonly named = new Map<string, string>();

  get(key: string): string | undefined {
    const n = numberOf(key);
    return n < 0 ? this.named.get(key) : this.numbered.get(n);
  }

  set(key: string, record: string): void {
    const n = numberOf(key);
    if (n < 0) this.named.set(key, record);
    else this.numbered.set(n, record);
  }

  has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  get size(): number {
    return this.numbered.size + this.named.size;
  }

  *entries(): IterableIterator<[string, string]> {
    for (const [n, record] of this.numbered) yield [PREFIX + String(n), record];
    yield* this.named;
  }
}

export class PackedStates {
  private readonly packed = new Records();
  private readonly hot: Lru<string, EntityState>;
  private readonly shapes = new Shapes();
  private readonly packer = new Packer(this.shapes);
  private readonly unpacker = new Unpacker(this.shapes);

  constructor(hotStates = DEFAULT_HOT_STATES) {
    this.hot = new Lru(hotStates);
  }

  /** Callers must not change the state afterwards (none does: a new state is always a new object). */
  set(key: string, state: EntityState): void {
    if (
      !Number.isSafeInteger(state.generation) ||
      !Number.isSafeInteger(state.version) ||
      state.version < 0
    ) {
      throw new TypeError(`state ${key} has a generation or version that is not a whole number`);
    }
    const p = this.packer;
    p.begin(key);
    p.byte(state.pending.length > 0 ? HAS_PENDING : 0);
    p.uint(zigzag(state.generation));
    p.uint(state.version);
    p.value(state);
    this.packed.set(key, p.end());
    this.hot.set(key, state);
  }

  get(key: string): EntityState | undefined {
    const cached = this.hot.get(key);
    if (cached !== undefined) return cached;
    const record = this.packed.get(key);
    if (record === undefined) return undefined;
    const state = this.decode(key, record);
    this.hot.set(key, state);
    return state;
  }

  version(key: string): Version | undefined {
    const cached = this.hot.peek(key);
    if (cached !== undefined) return cached;
    const record = this.packed.get(key);
    if (record === undefined) return undefined;
    const [, generation, version] = peekUints(record, 3) as [number, number, number];
    return { generation: unzigzag(generation), version };
  }

  has(key: string): boolean {
    return this.packed.has(key);
  }

  get size(): number {
    return this.packed.size;
  }

  /** Every state, decoded one at a time and not kept (a full scan would only flush the hot ones). */
  *entries(): IterableIterator<[string, EntityState]> {
    for (const [key, record] of this.packed.entries())
      yield [key, this.hot.peek(key) ?? this.decode(key, record)];
  }

  /** The states with parked events, found from their flags. */
  *parked(): IterableIterator<[string, EntityState]> {
    for (const [key, record] of this.packed.entries()) {
      if ((record.charCodeAt(0) & HAS_PENDING) !== 0) {
        yield [key, this.hot.peek(key) ?? this.decode(key, record)];
      }
    }
  }

  private decode(key: string, record: string): EntityState {
    const u = this.unpacker;
    u.begin(key, record);
    u.byte();
    u.uint();
    u.uint();
    return u.value() as EntityState;
  }
}
