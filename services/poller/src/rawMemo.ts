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

  /** `codes[i]` is the Code of the record at position i, `hashes[i]` its raw hash. */
  constructor(
    readonly codes: Float64Array,
    readonly hashes: Float64Array,
  ) {}

  static readonly none = new RawHashes(new Float64Array(0), new Float64Array(0));

  /** The raw hash recorded for `code`, looked for at `position` first; undefined when none was. */
  get(position: number, code: number): RawHash | undefined {
    if (this.codes[position] === code) return this.hashes[position];
    if (this.codes.length === 0) return undefined;
    if (this.index === undefined) {
      this.index = new Map();
      for (let i = 0; i < this.codes.length; i++) this.index.set(this.codes[i]!, i);
    }
    const at = this.index.get(code);
    return at === undefined ? undefined : this.hashes[at];
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
