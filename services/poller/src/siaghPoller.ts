// Siagh: no webhooks, no modification time, no paging. Each sweep snapshots GetAll and diffs per-record
// side checksums against the tracked state. sourceTime is null: Siagh gives no time of change, and the
// observation time (observedTime) is all we know; the syncer must not treat it as an edit time.

import type { SiaghClient } from '@siaghsync/shared/siagh/client';
import type { SiaghContact } from '@siaghsync/shared/siagh/schemas';
import type { SyncConfig } from '@siaghsync/shared/mapping/syncConfig';
import { siaghToCanonical } from '@siaghsync/shared/mapping/siagh';
import { sideChecksum } from '@siaghsync/shared/mapping/sides';
import { hash52, type Hash52 } from './diff';
import type { Observed, SourceTracker, SweepOutcome } from './tracker';

export interface Observation {
  hashes: Map<string, Hash52>;
  details: (id: string) => Observed | undefined;
}

export function observeSiaghContact(contact: SiaghContact, config: SyncConfig): Observed {
  const canonical = siaghToCanonical(contact, config);
  return {
    checksum: sideChecksum(canonical, config, 'siagh'),
    naturalKey: canonical.customerNumber === null ? null : String(canonical.customerNumber),
    sourceTime: null,
    snapshot: JSON.stringify(contact),
    attributes: { kind: canonical.kind },
  };
}

/** Hashes every contact; details are rebuilt on demand for the few that changed (no second copy kept). */
export function observeSiagh(contacts: readonly SiaghContact[], config: SyncConfig): Observation {
  const hashes = new Map<string, Hash52>();
  const byId = new Map<string, SiaghContact>();
  for (const c of contacts) {
    const id = String(c.Code);
    byId.set(id, c);
    hashes.set(id, hash52(sideChecksum(siaghToCanonical(c, config), config, 'siagh')));
  }
  return {
    hashes,
    details: (id) => {
      const c = byId.get(id);
      return c ? observeSiaghContact(c, config) : undefined;
    },
  };
}

/** One sweep. A failed GetAll throws before anything is committed (the loop backs off and retries). */
export async function sweepSiagh(
  client: SiaghClient,
  config: SyncConfig,
  tracker: SourceTracker,
  correlationId: string,
  /** How long the GetAll took, request to parsed answer: an upper bound of its cost to the server. */
  onGetAll?: (ms: number) => void,
): Promise<SweepOutcome & { seen: number }> {
  const t0 = performance.now();
  const readStartedAt = String(Date.now());
  const contacts = await client.getAllContacts();
  onGetAll?.(performance.now() - t0);
  const obs = observeSiagh(contacts, config);
  const out = await tracker.commitSweep({
    hashes: obs.hashes,
    // When the read began: the syncer may take a snapshot as the read of a bulk event (reads/freshness.ts).
    details: (id) => {
      const o = obs.details(id);
      return o && { ...o, attributes: { ...o.attributes, readStartedAt } };
    },
    complete: true,
    correlationId,
  });
  return { ...out, seen: contacts.length };
}
