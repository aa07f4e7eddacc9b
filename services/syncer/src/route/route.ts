import type {
  ChangeEvent,
  CreateIntent,
  RouteReason,
  SourceSystem,
  WorkEvent,
} from '@siaghsync/shared/events';
import { sourceKey } from '@siaghsync/shared/events';
import { isBulk, isBulkChange } from '../reads/freshness';
import { isAwaiting } from '../reads/awaitCounterpart';
import type { EntityState } from '../decide/state';

export interface RouteLookups {
  /** The id index: canonical key of a source id already linked. */
  linkOf(sourceKey: string): string | undefined;
  /** An open create intent that already created record `sourceId` on `side` (its createdId). */
  createdBy(side: SourceSystem, sourceId: string): CreateIntent | undefined;
  /** An open create intent whose target is `side` and whose record matches by natural key or checksum. */
  openIntentFor(
    side: SourceSystem,
    naturalKey: string | null,
    checksum: string | null,
  ): CreateIntent | undefined;
  /** The record `checksum` describes is what our last announced write on `side` made of this entity. */
  wroteLast(side: SourceSystem, canonicalKey: string, checksum: string): boolean;
}

/**
 * Which canonical key an event belongs to, in the order that never splits one real customer in two:
 * the id index, then an open create intent (the echo of our own create can arrive before its link is
 * recorded), then the natural key (customer number n → customer:n), and only then a new key.
 */
export function routeChange(
  change: ChangeEvent,
  lookups: RouteLookups,
): { canonicalKey: string; reason: RouteReason } {
  if (change.entityType === 'preinvoice') {
    return { canonicalKey: `preinvoice:${change.source}:${change.sourceId}`, reason: 'direct' };
  }
  const linked = lookups.linkOf(sourceKey(change.source, change.sourceId));
  if (linked) return { canonicalKey: linked, reason: 'id-index' };
  // By id before content: a record we created and a person then deleted can no longer be read for its
  // natural key, yet its events belong to the entity that created it.
  const intent =
    lookups.createdBy(change.source, change.sourceId) ??
    lookups.openIntentFor(change.source, change.naturalKey, change.checksum);
  if (intent) return { canonicalKey: intent.canonicalKey, reason: 'open-intent' };
  if (change.naturalKey !== null && /^\d+$/.test(change.naturalKey)) {
    return { canonicalKey: `customer:${Number(change.naturalKey)}`, reason: 'natural-key' };
  }
  return { canonicalKey: `customer:${change.source}:${change.sourceId}`, reason: 'new-key' };
}

/**
 * Which queue a routed change goes to. The import (records first seen) is bulk work. A sweep that found
 * many records changed is bulk only for the changes that are our own writes coming back (during an
 * import the syncer's updates return by the thousand): a person's edit seen in the same sweep goes
 * live, with its bulk mark taken off, and does not wait behind the import. The CRM's Insert notice of a
 * record the tables already know (our own create coming back, or a creation we linked since) is bulk
 * too: it is settled as an echo without a read whichever lane takes it (decide/echo.ts), and in an
 * import the CRM sends one per create, which queued ahead of people's edits on the live lane (6,741
 * waiting at 100,000 a side). A person's edit of that record is an Update notice and stays live.
 */
export function queueOf(
  change: ChangeEvent,
  canonicalKey: string,
  lookups: Pick<RouteLookups, 'wroteLast' | 'linkOf' | 'createdBy'>,
): { queue: 'live' | 'bulk'; change: ChangeEvent } {
  if (isKnownCrmInsert(change, lookups)) return { queue: 'bulk', change };
  if (!isBulkChange(change)) return { queue: 'live', change };
  if (change.attributes.bulk !== 'changed') return { queue: 'bulk', change };
  if (change.checksum !== null && lookups.wroteLast(change.source, canonicalKey, change.checksum))
    return { queue: 'bulk', change };
  const { bulk: _, ...attributes } = change.attributes;
  return { queue: 'live', change: { ...change, attributes } };
}

function isKnownCrmInsert(change: ChangeEvent, lookups: Pick<RouteLookups, 'linkOf' | 'createdBy'>): boolean {
  if (change.source !== 'crm' || change.entityType !== 'customer' || change.operation !== 'upsert')
    return false;
  if (change.attributes.crmEvent !== 'Insert') return false;
  return (
    lookups.linkOf(sourceKey('crm', change.sourceId)) !== undefined ||
    lookups.createdBy('crm', change.sourceId) !== undefined
  );
}

/**
 * Where the marker that retries an entity's parked events goes: to the bulk topic of the first one's
 * source when every parked event is bulk work (an import event waiting for its counterpart, or failing),
 * else to `work`. Retries of the import on `work` queued ahead of people's edits: 15,976 of 19,151
 * records waiting on `work` at 100,000 a side were such markers.
 */
export function retryQueueOf(
  pending: readonly WorkEvent[],
): { queue: 'live' } | { queue: 'bulk'; source: SourceSystem } {
  const first = pending[0]?.change;
  if (!first || !pending.every(isBulk)) return { queue: 'live' };
  return { queue: 'bulk', source: first.source };
}

/**
 * A person's event parked behind import work whose retry marker already went to a bulk topic would wait
 * for the whole bulk backlog before that marker comes round: it needs a marker of its own on `work`
 * (unless the entity waits for a counterpart, which any new event ends, or a marker is already due).
 */
export function needsLiveMarker(
  state: Pick<EntityState, 'pending' | 'awaitingUntil'>,
  sentToBulk: boolean,
  markerDue: boolean,
): boolean {
  if (!sentToBulk || markerDue || state.pending.length === 0 || isAwaiting(state)) return false;
  return retryQueueOf(state.pending).queue === 'live';
}

/** The intents topic key: one open intent per target side and entity. */
export const intentKey = (intent: Pick<CreateIntent, 'targetSide' | 'canonicalKey'>): string =>
  `${intent.targetSide}:${intent.canonicalKey}`;
