// When an import event waits for its counterpart instead of reading it: pure rules, no I/O.
//
// The CRM has no bulk read of content (its lists carry ids and customer numbers only), so linking a pair
// from the Siagh side costs one rate-limited CRM call per pair, while from the CRM side the Siagh record
// comes from one shared GetAll. In an import Siagh's first sweep (one GetAll) is committed long before
// the CRM's (one call per record), so without this every overlapping pair would be linked from the
// Siagh side: 50,000 CRM calls in an import of 100,000 a side, all made again by the CRM poller anyway.
// So a Siagh import event whose CRM counterpart the identity list shows, but whose content no event has
// brought yet, waits (parked on its entity, durable) for the CRM import's event of that record, which
// links the pair with no CRM call; the Siagh event then finds the pair settled. A deadline bounds the
// wait: past it the event is retried with the read, so a counterpart that never comes (the CRM poller
// already knew it) costs only time. Any other event of the entity ends the wait too (queueFor).
//
// The other order happens too: Siagh's import events queue behind thousands of others, and a pair's CRM
// import event comes first. Linked then on today's Siagh record, a Siagh edit made after Siagh's sweep
// would look as old as the data (Siagh keeps no modification time) and lose the tie to the CRM's value.
// So a CRM import event whose Siagh counterpart the list shows, with no Siagh snapshot kept, waits for
// the Siagh import's event the same way; its snapshot tells which fields were edited since the sweep.

import type { WorkEvent } from '@siaghsync/shared/events';
import type { EntityState } from '../decide/state';
import { isBulk } from './freshness';

/** May `event` wait for its counterpart's import event rather than read it? (Not on a retry: then it reads.) */
export function mayAwaitCounterpart(state: EntityState, event: WorkEvent): boolean {
  const c = event.change;
  if (
    state.entityType !== 'customer' ||
    c === null ||
    c.operation !== 'upsert' ||
    !isBulk(event) ||
    state.crm.id !== null ||
    state.siagh.id !== null ||
    state.pending.length > 0
  )
    return false;
  // A CRM event waits only in an import (records first seen): a sweep of changed records comes after
  // Siagh's import, whose events have been handled, or from a poller that knew Siagh's records already.
  return c.source === 'siagh' || c.trigger === 'backfill' || c.attributes.bulk === 'sweep';
}

/** The entity's parked events are a wait for a counterpart (not a failure): other events go first. */
export const isAwaiting = (state: Pick<EntityState, 'awaitingUntil' | 'pending'>): boolean =>
  state.awaitingUntil !== undefined && state.pending.length > 0;

/** The state that parks `event` until its counterpart comes or `until` passes. */
export function awaitCounterpart(
  state: EntityState,
  event: WorkEvent,
  until: number,
  generation: number,
  now: number,
): EntityState {
  return {
    ...state,
    pending: [event],
    awaitingUntil: until,
    version: state.version + 1,
    generation,
    updatedAt: now,
  };
}

/** The event an awaiting one waits for: the other side's import event, whose snapshot serves the link. */
export function bringsCounterpart(waiting: WorkEvent, event: WorkEvent): boolean {
  const c = event.change;
  return (
    c !== null &&
    c.source !== waiting.change?.source &&
    c.operation === 'upsert' &&
    isBulk(event) &&
    c.snapshot !== null
  );
}

/**
 * What runs when `event` reaches an entity whose events are parked. Behind a failure it waits. A wait
 * for a counterpart ends with any event: the waiting Siagh event runs first, so the pair is linked on
 * Siagh's import snapshot, the base a later edit on either side is merged against (linking on today's
 * Siagh record instead would take a Siagh edit made during the import for old data, Siagh keeping no
 * modification time), then the new event. The awaited event lends its snapshot (`keep`) to it: a CRM
 * one saves the waiting Siagh event its CRM call, a Siagh one tells the waiting CRM event which Siagh
 * fields were edited since the sweep; any other event makes it read. One exception runs the new event
 * first: a live Siagh event ending a CRM event's wait.
 */
export function queueFor(
  state: EntityState,
  event: WorkEvent,
): { run: WorkEvent[]; behind: false; keep: boolean } | { run: []; behind: true } {
  if (state.pending.length === 0) return { run: [event], behind: false, keep: false };
  if (!isAwaiting(state)) return { run: [], behind: true };
  const waiting = state.pending[0]!;
  // A waiting CRM import event waited for Siagh's record: a live Siagh event is that record, with the
  // poller's word on which fields changed since its sweep, so it links the pair first, on that evidence.
  // Run second, it would find the CRM event had linked on today's Siagh record with no such word.
  if (waiting.change?.source === 'crm' && isLiveSiaghUpsert(event))
    return { run: [event, ...state.pending], behind: false, keep: false };
  return { run: [...state.pending, event], behind: false, keep: bringsCounterpart(waiting, event) };
}

const isLiveSiaghUpsert = (event: WorkEvent): boolean =>
  event.change?.source === 'siagh' && event.change.operation === 'upsert' && !isBulk(event);
