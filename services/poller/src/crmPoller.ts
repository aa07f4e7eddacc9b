// CRM: page through persons and organizations (identityType 1 and 2, so the kind is known without
// probing), fetch the planned details with bounded concurrency under the adapter's rate limit, and
// commit. Any failure (a list page or a detail call that still fails after the adapter's retries)
// makes the sweep INCOMPLETE: what was fetched is still emitted, but nothing is deleted.

import type { CrmClient } from '@siaghsync/shared/crm/client';
import type { CrmIdentityRecord } from '@siaghsync/shared/crm/schemas';
import type { CustomerKind } from '@siaghsync/shared/mapping/canonical';
import { crmToCanonical } from '@siaghsync/shared/mapping/crm';
import { sideChecksum } from '@siaghsync/shared/mapping/sides';
import type { SyncConfig } from '@siaghsync/shared/mapping/syncConfig';
import type { Logger } from '@siaghsync/shared/logger';
import type { SyncError } from '@siaghsync/shared/errors';
import { hash52, type Hash52 } from './diff';
import { mapPool, planCrmSweep } from './crmPlan';
import { parseCrmLocalTime } from '@siaghsync/shared/crm/time';
import type { PollerMetrics } from './metrics';
import type { Observed, SourceTracker, SweepOutcome } from './tracker';

export interface CrmSweepOptions {
  concurrency: number;
  reconcileSweeps: number;
  pageSize: number;
  /** A graceful stop: the details not fetched yet are skipped and the sweep counts as incomplete. */
  shouldStop?: () => boolean;
}

export function observeCrmIdentity(
  record: CrmIdentityRecord,
  kind: CustomerKind,
  config: SyncConfig,
): Observed {
  const canonical = crmToCanonical(record, kind, config);
  return {
    checksum: sideChecksum(canonical, config, 'crm'),
    naturalKey: canonical.customerNumber === null ? null : String(canonical.customerNumber),
    sourceTime: parseCrmLocalTime(record.modifyDate),
    snapshot: JSON.stringify(record),
    attributes: { kind },
  };
}

/** Every id with its kind. `complete` is false when a page failed (the ids so far are still returned). */
export async function listCrmIds(
  client: CrmClient,
  pageSize: number,
  logger: Logger,
): Promise<{ ids: Map<string, CustomerKind>; complete: boolean }> {
  const ids = new Map<string, CustomerKind>();
  for (const [type, kind] of [
    [1, 'person'],
    [2, 'organization'],
  ] as const) {
    try {
      for await (const i of client.iterateIdentities({ identityType: type, pageSize }))
        ids.set(i.identityId, kind);
    } catch (err) {
      logger.warn({ err, kind }, 'CRM listing failed part-way: sweep incomplete');
      return { ids, complete: false };
    }
  }
  return { ids, complete: true };
}

export async function fetchCrmDetail(
  client: CrmClient,
  id: string,
  kind: CustomerKind,
): Promise<CrmIdentityRecord | 'gone'> {
  try {
    return kind === 'person' ? await client.getPerson(id) : await client.getOrganization(id);
  } catch (err) {
    if ((err as SyncError).code === 'CRM_NOT_FOUND') return 'gone';
    throw err;
  }
}

export async function sweepCrm(
  client: CrmClient,
  config: SyncConfig,
  tracker: SourceTracker,
  opts: CrmSweepOptions,
  correlationId: string,
  logger: Logger,
  metrics?: PollerMetrics,
): Promise<SweepOutcome & { seen: number; fetched: number; errors: number }> {
  const listing = await listCrmIds(client, opts.pageSize, logger);
  let complete = listing.complete;
  const listed = [...listing.ids.keys()].sort();
  const plan = planCrmSweep(
    listed,
    (id) => tracker.state.hashes.has(id),
    tracker.meta.reconcileCursor,
    opts.reconcileSweeps,
  );

  const details = new Map<string, Observed>();
  const gone = new Set<string>();
  let errors = 0;
  await mapPool(plan.fetch, opts.concurrency, async (id) => {
    if (opts.shouldStop?.()) {
      // Like a failed fetch: the record is looked at again next sweep (by whichever poller runs it).
      complete = false;
      return;
    }
    const kind = listing.ids.get(id) ?? 'person';
    try {
      const readStartedAt = String(Date.now());
      const r = await fetchCrmDetail(client, id, kind);
      metrics?.detailCalls.inc({ result: r === 'gone' ? 'gone' : 'ok' });
      if (r === 'gone') gone.add(id);
      else {
        const o = observeCrmIdentity(r, kind, config);
        details.set(id, { ...o, attributes: { ...o.attributes, readStartedAt } });
      }
    } catch (err) {
      errors++;
      complete = false;
      metrics?.detailCalls.inc({ result: 'error' });
      logger.warn({ err, id }, 'CRM detail fetch failed: sweep incomplete, record retried next sweep');
    }
  });

  const hashes = new Map<string, Hash52>();
  for (const id of listed) {
    if (gone.has(id)) continue; // deleted between list and detail: counts as absent
    const d = details.get(id);
    const prev = tracker.state.hashes.get(id);
    if (d) hashes.set(id, hash52(d.checksum));
    else if (prev !== undefined) hashes.set(id, prev); // not re-checked this sweep: assumed unchanged
  }
  const out = await tracker.commitSweep({
    hashes,
    details: (id) => details.get(id),
    complete,
    correlationId,
    meta: { reconcileCursor: plan.nextCursor },
  });
  return { ...out, seen: listed.length, fetched: plan.fetch.length, errors };
}
