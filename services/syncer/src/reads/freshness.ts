// Which reads may serve an event: pure rules, no I/O.
//
// A read that began after a change was observed is current for that change, so one list read (Siagh's
// GetAll, the CRM's identity pages) taken at T serves every event observed before T: the import costs a
// handful of list calls, not one rate-limited call per record. Two more rules keep it safe:
//  - monotonic per entity and side: a read older than the newest one a decision of this entity already
//    used, or than our own last write there (read-your-writes), is never used (`knownAt`);
//  - bulk only: a live event (webhook, poll, retry, resolution) reads the one record it needs right
//    before deciding, which keeps the window between read and write as short as one call.
// For a bulk event the counterpart of a linked pair may come from any read not older than `knownAt`:
// that side's own changes arrive as their own events, and a CRM update re-reads just before writing.
// A search by customer number (is there a counterpart, or must we create one) always needs a read begun
// after the event was observed: creates are where duplicates come from.

import type { Side } from '@siaghsync/shared/mapping/syncConfig';
import type { ChangeEvent, WorkEvent } from '@siaghsync/shared/events';
import type { EntityState } from '../decide/state';
import type { Fetched } from '../decide/types';

/**
 * Observation times and snapshot read times come from the clocks of other hosts (ingest, poller): a
 * read must begin this much after an observation, and a snapshot be this much newer than what is known,
 * to count as later despite a clock skew between them.
 */
export const CLOCK_SKEW_MS = 1_000;

/**
 * Bulk work: the import, and a poller sweep that re-observed many records at once (the poller marks
 * it, services/poller/src/tracker.ts). Routed to the bulk topics, served by shared list reads.
 */
export const isBulkChange = (change: ChangeEvent | null): boolean =>
  change !== null && (change.trigger === 'backfill' || change.attributes.bulk !== undefined);

export const isBulk = (event: WorkEvent): boolean => isBulkChange(event.change);

/** When the change was observed; for an event without one (a retry, a resolution), when it was routed. */
export const observedAt = (event: WorkEvent): number => event.change?.observedTime ?? event.routedAt;

const knownAt = (state: EntityState, side: Side): number => state[side].knownAt ?? 0;

/**
 * The earliest start a read of `side` may have to serve `event`. `linked`: the entity's record on that
 * side is known by id (a counterpart to fetch, not to search for).
 */
export function minReadStart(state: EntityState, event: WorkEvent, side: Side, linked: boolean): number {
  const own = event.change?.source === side;
  if (isBulk(event) && linked && !own) return knownAt(state, side);
  return Math.max(observedAt(event) + CLOCK_SKEW_MS, knownAt(state, side));
}

/**
 * The event's own snapshot as the read of its own record: the snapshot IS what was observed, so it is
 * current for its own change, unless something newer about that record is already known.
 */
export function ownSnapshotUsable(state: EntityState, event: WorkEvent): boolean {
  const c = event.change;
  if (!c || !isBulk(event) || c.snapshot === null || c.operation !== 'upsert') return false;
  const started = Number(c.attributes.readStartedAt);
  return Number.isFinite(started) && started - CLOCK_SKEW_MS >= knownAt(state, c.source);
}

export const snapshotReadAt = (event: WorkEvent): number => Number(event.change?.attributes.readStartedAt);

/** The state after a decision: what it read and what it wrote is now the newest it knows of each side. */
export function stampKnown(
  state: EntityState,
  fetched: Fetched,
  results: readonly { write: { side: Side } }[],
  wroteAt: number,
): EntityState {
  const next = { ...state };
  for (const side of ['crm', 'siagh'] as const) {
    let at = knownAt(state, side);
    const read = fetched[side]?.readAt;
    if (read !== undefined) at = Math.max(at, read);
    if (results.some((r) => r.write.side === side)) at = Math.max(at, wroteAt);
    if (at > 0) next[side] = { ...state[side], knownAt: at };
  }
  return next;
}
