import type { ChangeEvent } from '../events';
import { stableStringify } from '../mapping/canonical';
import { signCanonical, verifyCanonical } from './signature';

// An import's change event carries the record as its source system returned it, and the syncer may
// decide on that snapshot without reading the source again (services/syncer/src/reads/freshness.ts):
// one list read for the whole import instead of one rate-limited call per record. Trusted blindly, it
// would let anyone who can write to `changes` or `work` choose what the syncer writes to the CRM and
// Siagh. So the services that read the sources (the poller, the backfill) sign each snapshot with
// OPERATOR_EVENT_KEY, and the syncer uses only a snapshot whose signature holds; any other event is
// served by a read of the source, as a live one is.
//
// HMAC-SHA256 (signature.ts) over "siaghsync-snapshot.v1\n" + the fields that decide what the snapshot
// is taken for, in an attribute (the event's own record, so it survives routing from `changes` to
// `work`; the domain keeps it from being replayed as an operator event's signature).

export const SNAPSHOT_SIGNATURE_ATTRIBUTE = 'snapshotSignature';
const DOMAIN = 'siaghsync-snapshot.v1\n';

const canonical = (c: ChangeEvent): string =>
  DOMAIN +
  stableStringify({
    eventId: c.eventId,
    source: c.source,
    entityType: c.entityType,
    sourceId: c.sourceId,
    operation: c.operation,
    trigger: c.trigger,
    snapshot: c.snapshot,
    readStartedAt: c.attributes.readStartedAt ?? null,
    bulk: c.attributes.bulk ?? null,
    kind: c.attributes.kind ?? null,
  });

/** The event with its snapshot signed; unchanged without a snapshot or a key. */
export function signSnapshot(c: ChangeEvent, key: string | undefined): ChangeEvent {
  if (c.snapshot === null || key === undefined) return c;
  return {
    ...c,
    attributes: { ...c.attributes, [SNAPSHOT_SIGNATURE_ATTRIBUTE]: signCanonical(canonical(c), key) },
  };
}

/** Whether the snapshot was signed with `key` as it is; never without a key. */
export function snapshotSigned(c: ChangeEvent, key: string | undefined): boolean {
  if (c.snapshot === null) return false;
  return verifyCanonical(canonical(c), c.attributes[SNAPSHOT_SIGNATURE_ATTRIBUTE], key) === 'valid';
}
