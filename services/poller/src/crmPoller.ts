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
import { BULK_SWEEP_UPSERTS, type Observed, type SourceTracker, type SweepOutcome } from './tracker';

export interface CrmSweepOptions {
  concurrency: number;
  reconcileSweeps: number;
  /** At most this many known ids re-checked per sweep (unset: no bound). */
  reconcileMax?: number;
  pageSize: number;
  /** A graceful stop: the details not fetched yet are skipped and the sweep counts as incomplete. */
  shouldStop?: () => boolean;
  /** Details fetched so far of those planned (for /ready and `syncctl status` during an import). */
  onProgress?: (done: number, total: number) => void;
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

/** First-seen records committed per streamed chunk of a bulk first sweep (tracker.commitFirstSeen). */
export const STREAM_CHUNK = 1_000;
/**
 * ...or fewer, once the chunk's first record has waited this long: under the CRM's rate limit 1,000
 * details take 20 s to read, and the syncer would wait for them with the Siagh creates they bring.
 */
export const STREAM_FLUSH_MS = 1_000;

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
    opts.reconcileMax,
  );
  const firstSeen = plan.fetch.length - plan.reconciled;
  // The import (a first sweep of an empty state) or a mass create: its records are committed as they
  // arrive, so the syncer starts on them at once and the poller never holds them all in memory.
  const stream = firstSeen > BULK_SWEEP_UPSERTS ? new FirstSeenStream(tracker, correlationId) : undefined;
  opts.onProgress?.(0, plan.fetch.length);

  const details = new Map<string, Observed>();
  const gone = new Set<string>();
  let errors = 0;
  let done = 0;
  await mapPool(plan.fetch, opts.concurrency, async (id) => {
    if (opts.shouldStop?.() || stream?.failed) {
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
        const observed = { ...o, attributes: { ...o.attributes, readStartedAt } };
        if (stream && !tracker.state.hashes.has(id)) await stream.add(id, observed);
        else details.set(id, observed);
      }
    } catch (err) {
      errors++;
      complete = false;
      metrics?.detailCalls.inc({ result: 'error' });
      logger.warn({ err, id }, 'CRM detail fetch failed: sweep incomplete, record retried next sweep');
    }
    opts.onProgress?.(++done, plan.fetch.length);
  });
  await stream?.finish();

  const hashes = new Map<string, Hash52>();
  for (const id of listed) {
    if (gone.has(id)) continue; // deleted between list and detail: counts as absent
    const d = details.get(id);
    const prev = tracker.state.hashes.get(id);
    if (d) hashes.set(id, hash52(d.checksum));
    else if (prev !== undefined) hashes.set(id, prev); // streamed, or not re-checked this sweep
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

/**
 * First-seen records committed in chunks while the fetches go on. One commit at a time (the
 * transactional producer allows no other); fetchers wait while a full chunk is still being committed,
 * so memory stays at about two chunks. A failed commit stops the sweep: nothing after it is fetched,
 * and finish() throws it, like a failed end-of-sweep commit.
 */
class FirstSeenStream {
  private buffer = new Map<string, Observed>();
  /** When the buffer's first record arrived. */
  private since = 0;
  private inFlight: Promise<void> = Promise.resolve();
  private busy = false;
  failed: Error | undefined = undefined;

  constructor(
    private readonly tracker: SourceTracker,
    private readonly correlationId: string,
  ) {}

  async add(id: string, observed: Observed): Promise<void> {
    if (this.buffer.size === 0) this.since = Date.now();
    this.buffer.set(id, observed);
    if (this.buffer.size < STREAM_CHUNK) {
      // Due by age: committed now unless a commit runs (then the next record's add takes it).
      if (!this.busy && Date.now() - this.since >= STREAM_FLUSH_MS) this.flush();
      return;
    }
    if (this.busy) await this.inFlight;
    if (this.buffer.size >= STREAM_CHUNK && !this.busy) this.flush();
  }

  async finish(): Promise<void> {
    await this.inFlight;
    if (this.buffer.size > 0 && this.failed === undefined) this.flush();
    await this.inFlight;
    if (this.failed !== undefined) throw this.failed;
  }

  private flush(): void {
    const chunk = this.buffer;
    this.buffer = new Map();
    this.busy = true;
    this.inFlight = this.tracker
      .commitFirstSeen(chunk, this.correlationId)
      .then(
        () => undefined,
        (err: unknown) => {
          this.failed = err instanceof Error ? err : new Error(String(err));
        },
      )
      .finally(() => {
        this.busy = false;
      });
  }
}
