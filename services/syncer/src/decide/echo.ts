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
