import { randomUUID } from 'node:crypto';
import { deterministicEventId } from '@siaghsync/shared/events';
import type { CrmNotification } from './crm/notification';

/**
 * Event id of a CRM thin notification.
 *
 * The CRM sends no delivery id, no version and no time, so "the same notification" can only mean
 * "the same (type, id, event) seen again shortly". We hash those with the observed time cut into
 * windows of `windowMs`:
 * - a copy the CRM fires twice, or a retry after our response was lost, usually lands in the same
 *   window and gets the same id, so downstream can recognize it;
 * - a copy that straddles a window edge gets another id: harmless, the syncer fetches the record
 *   and finds nothing new (a missed duplicate costs one fetch);
 * - two REAL edits of one record inside one window also share an id. A thin notification carries no
 *   data, so both mean "fetch record X now"; a consumer may therefore drop an event as a duplicate
 *   ONLY if it fetched the record after this event's observedTime (both events are in Kafka, in order,
 *   with their own observedTime). Ids are never used to drop events before they reach Kafka.
 * The subtype (a label) is left out: it does not identify the change.
 * `windowMs = 0` disables grouping: every notification gets a fresh id.
 */
export function crmNotificationEventId(n: CrmNotification, observedTime: number, windowMs: number): string {
  if (windowMs <= 0)
    return deterministicEventId('crm-webhook', n.crmType, n.sourceId, n.crmEvent, randomUUID());
  const window = Math.floor(observedTime / windowMs);
  return deterministicEventId('crm-webhook', n.crmType, n.sourceId, n.crmEvent, windowMs, window);
}

/** A signed webhook has its own delivery id (`webhook-id`), the same on every retry: that is the identity. */
export function signedWebhookEventId(sender: string, webhookId: string): string {
  return deterministicEventId('signed-webhook', sender, webhookId);
}
