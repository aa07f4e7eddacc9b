import type { WorkEvent } from '@siaghsync/shared/events';
import type { EntityState, SideState } from './state';

/**
 * Our own write coming back: the record's side checksum equals what we last wrote there. No time
 * window is involved, so a real edit made one second after a sync has another checksum and is synced.
 */
export function isEcho(side: SideState, fetchedChecksum: string): boolean {
  return side.written !== null && side.written === fetchedChecksum;
}

/**
 * Our own write coming back, told by the event alone, so no read is spent on it (the import's writes
 * come back as thousands of webhooks and poll events, which would otherwise queue ahead of people's edits
 * at the targets' rate limits). Either the event carries the record's checksum from a read made at or after
 * it was observed (a poll's snapshot, the router's read of a thin webhook) and that is what we last wrote
 * there, or it is the CRM's Insert notice of a record this entity already holds (its creation, known to us
 * since our create or our first read of it; a person's later edits send Update notices). Null when the
 * event must be decided on fresh reads.
 */
export function echoWithoutRead(state: EntityState, event: WorkEvent): string | null {
  const c = event.change;
  if (event.kind !== 'change' || !c || c.operation !== 'upsert' || state.entityType !== 'customer')
    return null;
  const side = state[c.source];
  if (side.id !== c.sourceId || side.deleted) return null;
  if (c.checksum !== null && isEcho(side, c.checksum))
    return 'the event carries the checksum we last wrote there';
  if (c.source === 'crm' && c.attributes.crmEvent === 'Insert' && (side.knownAt ?? 0) > 0)
    return "the CRM's Insert notice of a record this entity already holds";
  return null;
}

/**
 * A poller's bulk re-observation of what this entity already synced: its first sweep re-reads every
 * record the import just carried, and deciding each again would cost a read of its counterpart at the
 * targets' rate limits for nothing. Not the import itself: an operator re-runs it on purpose (after a
 * change of directions or policies, which side checksums do not cover), and it must decide every pair. Safe only when the pair is
 * settled: both sides linked and present, nothing queued or open, and the observed record is the one the
 * last decision used with no write of ours there since (written = seen). Were our last write there
 * different from what we saw, the same checksum could be a person reverting our write, which must be
 * decided. The counterpart's own changes arrive as their own events.
 */
export function unchangedWithoutRead(state: EntityState, event: WorkEvent): string | null {
  const c = event.change;
  if (event.kind !== 'change' || !c || c.operation !== 'upsert' || state.entityType !== 'customer')
    return null;
  if (c.attributes.bulk !== 'sweep' || c.checksum === null) return null;
  const side = state[c.source];
  const counterpart = state[c.source === 'crm' ? 'siagh' : 'crm'];
  if (side.id !== c.sourceId || side.deleted || counterpart.id === null || counterpart.deleted) return null;
  if (state.pending.length > 0 || state.openConflicts.length > 0) return null;
  if (side.seen !== c.checksum || (side.written !== null && side.written !== side.seen)) return null;
  return 'a bulk re-observation of the record this pair last synced';
}

export type SettledWithoutRead = { status: 'skipped-echo' | 'skipped-unchanged'; note: string };

/** An event told settled by the state alone (no announced writes pending on the entity). */
export function settledWithoutRead(state: EntityState, event: WorkEvent): SettledWithoutRead | null {
  const echo = echoWithoutRead(state, event);
  if (echo !== null) return { status: 'skipped-echo', note: echo };
  const unchanged = unchangedWithoutRead(state, event);
  return unchanged === null ? null : { status: 'skipped-unchanged', note: unchanged };
}
