import { createHmac, timingSafeEqual } from 'node:crypto';
import { envSecret } from '../config';
import type { ChangeEvent, WorkEvent } from '../events';
import { stableStringify } from '../mapping/canonical';

// Operator events (a conflict resolution, a dead letter's redrive) make the syncer write to the CRM and
// Siagh on a person's word. They are signed by whoever turns that word into an event (the projector,
// behind its operator token) and checked by the syncer, so write access to the `work` topic alone, a
// misconfigured ACL or a leaked producer credential, cannot make the syncer write anything.
//
// HMAC-SHA256, keyed by OPERATOR_EVENT_KEY (its UTF-8 bytes), over the canonical form:
//   "siaghsync-operator-event.v1\n" + JSON of the WorkEvent's fields (nested ChangeEvent included),
//   keys sorted at every level, no whitespace, nulls kept (stableStringify).
// Only the fields named below are signed, so a newer schema's extra field does not break verification;
// a field that matters must be added here and the version raised. The signature rides in a Kafka header
// (`x-siaghsync-operator-signature: v1=<hex>`), outside the Avro record, so no schema changes.
// No expiry: an event may wait in the topic for hours behind a stopped syncer. A replayed signed event
// only repeats what an operator already asked for (a resolution of a conflict no longer open is a no-op).

export const OPERATOR_SIGNATURE_HEADER = 'x-siaghsync-operator-signature';
const DOMAIN = 'siaghsync-operator-event.v1\n';
const VERSION = 'v1';

/** OPERATOR_EVENT_KEY: 32+ characters, no placeholder (envSecret). Shared by the projector and the syncer. */
export const operatorEventKey = envSecret(32);

const WORK_FIELDS = [
  'canonicalKey',
  'kind',
  'routeReason',
  'routedAt',
  'correlationId',
  'change',
  'resolution',
  'redriveOf',
] as const satisfies readonly (keyof WorkEvent)[];

const CHANGE_FIELDS = [
  'eventId',
  'source',
  'entityType',
  'sourceId',
  'operation',
  'sourceTime',
  'observedTime',
  'trigger',
  'correlationId',
  'naturalKey',
  'checksum',
  'snapshot',
  'attributes',
] as const satisfies readonly (keyof ChangeEvent)[];

const pick = <T extends object>(value: T, fields: readonly (keyof T)[]): Record<string, unknown> => {
  const out: Record<string, unknown> = {};
  for (const f of fields) out[f as string] = value[f] ?? null;
  return out;
};

/** The bytes signed: the same for the event as produced and as decoded from Avro. */
export function canonicalOperatorEvent(e: WorkEvent): string {
  const work = pick(e, WORK_FIELDS);
  work.change = e.change ? pick(e.change, CHANGE_FIELDS) : null;
  return DOMAIN + stableStringify(work);
}

/**
 * Whether the syncer demands a signature: every resolution and redrive, except its own retry marker
 * (redriveOf "retry" with no payload: it only re-runs what the entity's committed state already holds).
 */
export function needsOperatorSignature(e: WorkEvent): boolean {
  if (e.kind === 'change') return false;
  const ownRetry =
    e.kind === 'redrive' && e.redriveOf === 'retry' && e.change === null && e.resolution === null;
  return !ownRetry;
}

const mac = (text: string, key: string): Buffer =>
  createHmac('sha256', Buffer.from(key, 'utf8')).update(text, 'utf8').digest();

/** The header value for a canonical text (an operator event's, a pause flag's: operator/pause.ts). */
export function signCanonical(text: string, key: string): string {
  return `${VERSION}=${mac(text, key).toString('hex')}`;
}

/** The header value for `e`. */
export function signOperatorEvent(e: WorkEvent, key: string): string {
  return signCanonical(canonicalOperatorEvent(e), key);
}

export type SignatureVerdict = 'valid' | 'missing' | 'invalid';

/** Checks a header value (string or the Buffer kafkajs hands over) in constant time. */
export function verifyCanonical(
  text: string,
  header: string | Buffer | (string | Buffer)[] | undefined,
  key: string | undefined,
): SignatureVerdict {
  if (header === undefined) return 'missing';
  // A repeated header is not ours: one signature per record.
  if (Array.isArray(header)) return 'invalid';
  // Without a key nothing can be verified: every operator record is refused (never acted on).
  if (key === undefined) return 'invalid';
  const [version, hex, ...rest] = String(header).split('=');
  if (version !== VERSION || hex === undefined || rest.length > 0 || !/^[0-9a-f]{64}$/.test(hex))
    return 'invalid';
  return timingSafeEqual(Buffer.from(hex, 'hex'), mac(text, key)) ? 'valid' : 'invalid';
}

export function verifyOperatorEvent(
  e: WorkEvent,
  header: string | Buffer | (string | Buffer)[] | undefined,
  key: string | undefined,
): SignatureVerdict {
  return verifyCanonical(canonicalOperatorEvent(e), header, key);
}
