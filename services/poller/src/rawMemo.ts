// What the last committed sweep saw of each raw record, kept in memory to tell the next sweep which
// records it need not map and checksum again (see siaghPoller.ts).
//
// By position in GetAll, in two Float64Arrays (16 bytes a record) rather than a Map keyed by id (~76
// bytes a record, as much again as the tracked state): GetAll lists the contacts in the same order each
// time, so position i is nearly always the same contact. A list shifted by a create or a delete finds
// the rest by Code through an index built at most once per sweep.

import type { TrackedState } from './diff';
import type { RawHash } from './rawHash';

export class RawHashes {
  private index: Map<number, number> | undefined;

  /**
   * `codes[i]` is the Code of the record at position i, `hashes[i]` its raw hash, and `fields` (a stride
   * of `width` per record) a 32-bit hash of each mapped field's canonical value: which fields an edit
   * changed. A collision there only hides that one field's evidence of time (decide.ts firstLinkTimes).
   */
  constructor(
    readonly codes: Float64Array,
    readonly hashes: Float64Array,
    readonly fields: Uint32Array = new Uint32Array(0),
    readonly width = 0,
  ) {}

  static readonly none = new RawHashes(new Float64Array(0), new Float64Array(0));

  /** Where `code` was, looked for at `position` first; -1 when it was not there. */
  positionOf(position: number, code: number): number {
    if (this.codes[position] === code) return position;
    if (this.codes.length === 0) return -1;
    if (this.index === undefined) {
      this.index = new Map();
      for (let i = 0; i < this.codes.length; i++) this.index.set(this.codes[i]!, i);
    }
    return this.index.get(code) ?? -1;
  }

  /** The raw hash recorded for `code`, looked for at `position` first; undefined when none was. */
  get(position: number, code: number): RawHash | undefined {
    const at = this.positionOf(position, code);
    return at < 0 ? undefined : this.hashes[at];
  }

  /** The field hashes recorded at a position, or undefined when none were. */
  fieldsAt(at: number): Uint32Array | undefined {
    return at < 0 || this.width === 0
      ? undefined
      : this.fields.subarray(at * this.width, (at + 1) * this.width);
  }
}

/**
 * The raw hashes of the last sweep committed through a tracker, valid while the tracker still holds the
 * state that sweep committed: a failed commit, a new leader term or a restore start from nothing.
 *
 * In memory only, on purpose: the persisted state keeps meaning "hash of the side checksum", which event
 * ids and every poller version read alike, so an upgrade changes nothing on the log. The price is one
 * full sweep after a start or a change of leader; it re-emits nothing (its side checksums are the ones
 * tracked).
 */
/** The part of a SourceTracker the memo looks at. */
interface Tracked {
  readonly state: TrackedState;
}

export class RawMemo {
  private state: TrackedState | undefined;
  private raw = RawHashes.none;

  /** The raw hashes to compare with, or undefined when they no longer describe `tracker`'s state. */
  known(tracker: Tracked): { raw: RawHashes; tracked: ReadonlyMap<string, number> } | undefined {
    return this.state !== undefined && tracker.state === this.state
      ? { raw: this.raw, tracked: tracker.state.hashes }
      : undefined;
  }

  /** Call once `tracker` has committed the sweep that saw `raw`. */
  committed(tracker: Tracked, raw: RawHashes): void {
    this.state = tracker.state;
    this.raw = raw;
  }
}
