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

import type { WorkEvent } from '@siaghsync/shared/events';
import type { EntityState } from '../decide/state';
import { isBulk } from './freshness';

/** May `event` wait for its CRM counterpart's event rather than read it? (Not on a retry: then it reads.) */
export function mayAwaitCounterpart(state: EntityState, event: WorkEvent): boolean {
  const c = event.change;
  return (
    state.entityType === 'customer' &&
    c !== null &&
    c.source === 'siagh' &&
    c.operation === 'upsert' &&
    isBulk(event) &&
    state.crm.id === null &&
    state.siagh.id === null &&
    state.pending.length === 0
  );
}

/** The entity's parked events are a wait for a counterpart (not a failure): other events go first. */
export const isAwaiting = (state: EntityState): boolean =>
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

/** The event an awaiting one waits for: the CRM import's own event, whose snapshot serves the link. */
export function bringsCounterpart(event: WorkEvent): boolean {
  const c = event.change;
  return c !== null && c.source === 'crm' && c.operation === 'upsert' && isBulk(event) && c.snapshot !== null;
}

/**
 * What runs when `event` reaches an entity whose events are parked. Behind a failure it waits. A wait
 * for a counterpart ends with any event: the waiting Siagh event runs first, so the pair is linked on
 * Siagh's import snapshot, the base a later edit on either side is merged against (linking on today's
 * Siagh record instead would take a Siagh edit made during the import for old data, Siagh keeping no
 * modification time), then the new event. The awaited CRM event lends its snapshot (`keep`) to it, so
 * that link costs no CRM call; any other event makes it read the CRM record.
 */
export function queueFor(
  state: EntityState,
  event: WorkEvent,
): { run: WorkEvent[]; behind: false; keep: boolean } | { run: []; behind: true } {
  if (state.pending.length === 0) return { run: [event], behind: false, keep: false };
  if (!isAwaiting(state)) return { run: [], behind: true };
  return { run: [...state.pending, event], behind: false, keep: bringsCounterpart(event) };
}
