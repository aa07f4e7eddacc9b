// The snapshot diff: pure, no I/O. Given what the poller last saw (a compact hash per record and the set
// of records missing from the last complete snapshot) and what it sees now, decide what to emit.
//
// Delete rule (issue 5): a record is deleted only when it is missing from TWO CONSECUTIVE COMPLETE
// snapshots. An incomplete snapshot (failed page, 5xx/429 mid-sweep) or a suspiciously small one (fewer
// than `minRatio` of the last complete count: a truncated GetAll) deletes nothing and does not count as
// a sighting of absence either: it neither marks nor clears "missing once".

/** 52 bits of a hex digest, exact in a double: 8 bytes a record in a Map instead of a 64-char string. */
export type Hash52 = number;

export function hash52(hexDigest: string): Hash52 {
  return Number.parseInt(hexDigest.slice(0, 13), 16);
}

export interface TrackedState {
  /** id -> hash of the side checksum last emitted or seen. */
  hashes: Map<string, Hash52>;
  /** ids absent from the last complete snapshot (once): deleted if absent from the next complete one. */
  missing: Set<string>;
  /** Record count of the last complete snapshot (the suspicious-size rule's reference); 0 = none yet. */
  lastCompleteCount: number;
}

export const emptyState = (): TrackedState => ({
  hashes: new Map(),
  missing: new Set(),
  lastCompleteCount: 0,
});

export interface DiffOptions {
  /** The snapshot lists every record that exists (no failed page, no error). */
  complete: boolean;
  /** A complete snapshot smaller than this fraction of the last complete count deletes nothing. */
  minRatio: number;
}

/** One state change to persist: a hash (with its missing flag) or a tombstone (null). */
export type StateUpdate = { id: string; hash: Hash52; missing: boolean } | { id: string; hash: null };

export interface DiffResult {
  /** New or changed records: emit an upsert. */
  upserts: string[];
  /** Missing from two consecutive complete snapshots: emit a delete. */
  deletes: string[];
  /** Records that would have been marked or deleted but the snapshot could not be trusted. */
  suppressed: number;
  /** Why deletes were suppressed, if they were. */
  suppressedReason: 'incomplete' | 'suspicious-size' | null;
  /** The snapshot counts as complete for the delete rule (complete and not suspicious). */
  trusted: boolean;
  updates: StateUpdate[];
  newState: TrackedState;
}

/** True when `count` is so much smaller than the last complete snapshot that it looks truncated. */
export function isSuspiciousSize(count: number, lastCompleteCount: number, minRatio: number): boolean {
  return lastCompleteCount > 0 && count < lastCompleteCount * minRatio;
}

/**
 * `current` maps every record seen in this snapshot to its hash. The previous state is not mutated:
 * the caller swaps in `newState` only after the events and `updates` are committed.
 */
export function diffSnapshot(
  previous: TrackedState,
  current: ReadonlyMap<string, Hash52>,
  opts: DiffOptions,
): DiffResult {
  const suspicious =
    opts.complete && isSuspiciousSize(current.size, previous.lastCompleteCount, opts.minRatio);
  const trusted = opts.complete && !suspicious;
  const hashes = new Map(previous.hashes);
  const missing = new Set(previous.missing);
  const upserts: string[] = [];
  const deletes: string[] = [];
  const updates: StateUpdate[] = [];

  // Every record of a sweep passes here: forEach over the Map, no entry array per record.
  let seenBefore = 0;
  current.forEach((hash, id) => {
    const before = previous.hashes.get(id);
    if (before !== undefined) seenBefore++;
    const wasMissing = missing.size > 0 && missing.delete(id);
    if (before !== hash) {
      upserts.push(id);
      hashes.set(id, hash);
      updates.push({ id, hash, missing: false });
    } else if (wasMissing) {
      // Back after one absence, unchanged: nothing to emit, but the mark must not survive a restart.
      updates.push({ id, hash, missing: false });
    }
  });

  let suppressed = 0;
  // When every tracked record was seen again (the usual sweep), none is absent: no second pass.
  if (seenBefore < previous.hashes.size) {
    for (const [id, hash] of previous.hashes) {
      if (current.has(id)) continue;
      if (!trusted) {
        suppressed++;
        continue;
      }
      if (previous.missing.has(id)) {
        deletes.push(id);
        hashes.delete(id);
        missing.delete(id);
        updates.push({ id, hash: null });
      } else {
        missing.add(id);
        updates.push({ id, hash, missing: true });
      }
    }
  }

  return {
    upserts,
    deletes,
    suppressed,
    suppressedReason:
      suppressed === 0 ? null : suspicious ? 'suspicious-size' : !opts.complete ? 'incomplete' : null,
    trusted,
    updates,
    newState: { hashes, missing, lastCompleteCount: trusted ? current.size : previous.lastCompleteCount },
  };
}
