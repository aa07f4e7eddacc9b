import type { CrmClient } from '@siaghsync/shared/crm/client';
import { formatCustomerNumber, type CustomerKind } from '@siaghsync/shared/mapping/canonical';
import type { SyncConfig } from '@siaghsync/shared/mapping/syncConfig';
import type { SiaghClient } from '@siaghsync/shared/siagh/client';
import type { WorkEvent } from '@siaghsync/shared/events';
import type { EntityState } from './decide/state';
import type { Fetched, SideRecord } from './decide/types';
import type { BulkReads } from './reads/bulkReads';
import { isBulk } from './reads/freshness';
import {
  AWAIT_COUNTERPART,
  bulkCrmById,
  bulkFindCrm,
  bulkFindSiagh,
  bulkSiaghByCode,
  crmSideRecord,
  siaghSideRecord,
  type BulkFetchDeps,
} from './reads/bulkFetch';

export interface Systems {
  crm: CrmClient;
  siagh: SiaghClient;
}

// Step 1 of the path: the CURRENT record of both sides. Events are hints (thin, stale, duplicated,
// out of order); deciding on what the systems hold now is what makes every re-run converge.

export interface FetchContext {
  /** Shared list reads for bulk events (reads/); without it every read is a single-record one. */
  reads?: BulkReads | undefined;
  countRead?: (side: 'crm' | 'siagh') => void;
  /** OPERATOR_EVENT_KEY: only a snapshot signed with it stands for a read (reads/bulkFetch.ts). */
  snapshotKey?: string | undefined;
  /** The event may wait for its counterpart's import event instead of reading it (awaitCounterpart.ts). */
  mayAwait?: boolean;
}

export async function fetchRecords(
  systems: Systems,
  config: SyncConfig,
  state: EntityState,
  event: WorkEvent,
  ctx: FetchContext = {},
): Promise<Fetched | typeof AWAIT_COUNTERPART> {
  const change = event.change;
  const crmId = state.crm.id ?? (change?.source === 'crm' ? change.sourceId : null);
  const siaghId = state.siagh.id ?? (change?.source === 'siagh' ? change.sourceId : null);
  const bulk: BulkFetchDeps | undefined =
    ctx.reads && isBulk(event)
      ? {
          reads: ctx.reads,
          config,
          snapshotKey: ctx.snapshotKey,
          getCrm: (id, kind) => fetchCrm(systems, config, id, state, kind),
          ...(ctx.countRead && { countRead: ctx.countRead }),
        }
      : undefined;
  const count = (side: 'crm' | 'siagh') => ctx.countRead?.(side);
  let [crm, siagh] = await Promise.all([
    crmId
      ? bulk
        ? bulkCrmById(bulk, state, event, crmId, crmKindHint(change))
        : (count('crm'), fetchCrm(systems, config, crmId, state, crmKindHint(change)))
      : Promise.resolve(null),
    siaghId
      ? bulk
        ? bulkSiaghByCode(bulk, state, event, siaghId)
        : (count('siagh'), fetchSiaghByCode(systems, config, siaghId))
      : Promise.resolve(null),
  ]);
  // The counterpart is found by the natural key (customer number) when no link names it yet.
  const n =
    state.naturalKey ?? crm?.record.customerNumber ?? siagh?.record.customerNumber ?? naturalKeyOf(event);
  const missing: NonNullable<Fetched['missing']> = {};
  if (n !== null) {
    if (crm === null && state.crm.id === null) {
      const found = bulk
        ? await bulkFindCrm(bulk, state, event, n, ctx.mayAwait === true)
        : (count('crm'), await findCrmByCustomerNumber(systems, config, n, state));
      if (found === AWAIT_COUNTERPART) return AWAIT_COUNTERPART;
      crm = found;
      if (crm === null) missing.crm = n;
    }
    if (siagh === null && state.siagh.id === null) {
      const found = bulk
        ? await bulkFindSiagh(bulk, state, event, n, ctx.mayAwait === true)
        : (count('siagh'), await findSiaghByCustomerNumber(systems, config, n));
      if (found === AWAIT_COUNTERPART) return AWAIT_COUNTERPART;
      siagh = found;
      if (siagh === null) missing.siagh = n;
    }
  }
  return { crm, siagh, missing };
}

function naturalKeyOf(event: WorkEvent): number | null {
  const k = event.change?.naturalKey;
  return k && /^\d+$/.test(k) ? Number(k) : null;
}

/** A CRM id does not say whether it is a person or an organization; the webhook's subtype or the router's read may. */
export function crmKindHint(change: WorkEvent['change']): CustomerKind | undefined {
  const k = change?.attributes.identityKind;
  return k === 'person' || k === 'organization' ? k : undefined;
}

async function fetchCrm(
  systems: Systems,
  config: SyncConfig,
  id: string,
  state: EntityState,
  hint?: CustomerKind,
): Promise<SideRecord | null> {
  const readAt = Date.now();
  const found = await systems.crm.getIdentity(id, state.kind ?? hint);
  if (!found) return null;
  return crmSideRecord(id, found.record, found.kind, config, readAt);
}

export async function findCrmByCustomerNumber(
  systems: Systems,
  config: SyncConfig,
  n: number,
  state: EntityState,
): Promise<SideRecord | null> {
  const number = formatCustomerNumber(n);
  const hits = await systems.crm.listIdentities({ searchTerm: number, pageSize: 50 });
  const exact = hits.filter((h) => String(h.customerNo ?? '').trim() === number);
  for (const hit of exact) {
    const rec = await fetchCrm(systems, config, String(hit.identityId), state);
    if (rec && rec.record.customerNumber === n) return rec;
  }
  return null;
}

async function fetchSiaghByCode(
  systems: Systems,
  config: SyncConfig,
  code: string,
): Promise<SideRecord | null> {
  const readAt = Date.now();
  const rows = await systems.siagh.findContacts({ Code: Number(code) });
  const row = rows[0];
  return row ? siaghSideRecord(row, config, readAt) : null;
}

export async function findSiaghByCustomerNumber(
  systems: Systems,
  config: SyncConfig,
  n: number,
): Promise<SideRecord | null> {
  const readAt = Date.now();
  const rows = await systems.siagh.findContactsByCustomerNumber(n);
  // Two contacts with one customer number is a data problem in Siagh; the oldest (lowest Code) is the
  // one finance documents most likely reference.
  const row = [...rows].sort((a, b) => Number(a.Code) - Number(b.Code))[0];
  return row ? siaghSideRecord(row, config, readAt) : null;
}
