// Step 1 of the path for a bulk event (the import): the same records fetch.ts reads, taken from the
// event's own snapshot, from records kept from events just handled, and from shared list reads, each only
// where freshness.ts allows it; a single-record read where none does.

import { parseCrmLocalTime } from '@siaghsync/shared/crm/time';
import { crmToCanonical } from '@siaghsync/shared/mapping/crm';
import type { CustomerKind } from '@siaghsync/shared/mapping/canonical';
import { siaghToCanonical } from '@siaghsync/shared/mapping/siagh';
import { MAPPED_FIELDS, type Side, type SyncConfig } from '@siaghsync/shared/mapping/syncConfig';
import type { WorkEvent } from '@siaghsync/shared/events';
import type { EntityState } from '../decide/state';
import type { SideRecord } from '../decide/types';
import type { BulkReads } from './bulkReads';
import { snapshotSigned } from '@siaghsync/shared/operator/snapshotSignature';
import { minReadStart, ownSnapshotUsable, snapshotReadAt } from './freshness';

export interface BulkFetchDeps {
  reads: BulkReads;
  config: SyncConfig;
  /** A single-record read of the CRM (kind hint), returning undefined when it does not exist. */
  getCrm: (id: string, kind?: CustomerKind) => Promise<SideRecord | null>;
  /** Single-record reads made (list reads are counted by BulkReads). */
  countRead?: (side: Side) => void;
  /** OPERATOR_EVENT_KEY: an event's snapshot stands for a read only when signed with it. */
  snapshotKey?: string | undefined;
}

const kindOf = (v: string | undefined): CustomerKind | undefined =>
  v === 'person' || v === 'organization' ? v : undefined;

export function crmSideRecord(
  id: string,
  raw: Record<string, unknown>,
  kind: CustomerKind,
  config: SyncConfig,
  readAt: number,
): SideRecord {
  return {
    id,
    record: crmToCanonical(raw, kind, config),
    time: parseCrmLocalTime(raw.modifyDate),
    raw,
    readAt,
  };
}

export function siaghSideRecord(
  raw: Record<string, unknown>,
  config: SyncConfig,
  readAt: number,
): SideRecord {
  return { id: String(raw.Code), record: siaghToCanonical(raw, config), time: null, raw, readAt };
}

/** The event's own record from its snapshot, when that is allowed; also kept for the events after it. */
/** Also called on its own to keep an awaited event's snapshot for the waiting one (awaitCounterpart.ts). */
export function ownSnapshot(
  d: Pick<BulkFetchDeps, 'reads' | 'config' | 'snapshotKey'>,
  state: EntityState,
  event: WorkEvent,
): SideRecord | null {
  const c = event.change;
  // Unsigned (written by anyone who can write to the topic, or by a poller without the key): read instead.
  if (!c || !ownSnapshotUsable(state, event) || !snapshotSigned(c, d.snapshotKey)) return null;
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(c.snapshot!) as Record<string, unknown>;
  } catch {
    return null;
  }
  const readAt = snapshotReadAt(event);
  if (c.source === 'siagh') {
    d.reads.remember('siagh', c.sourceId, { raw, readAt });
    return siaghSideRecord(raw, d.config, readAt);
  }
  const kind = kindOf(c.attributes.kind) ?? state.kind ?? 'person';
  d.reads.remember('crm', c.sourceId, { raw, readAt, kind });
  return crmSideRecord(c.sourceId, raw, kind, d.config, readAt);
}

/**
 * The record of `id` on `side` without a call: the event's own snapshot, or one kept from an event just
 * handled that is fresh enough; else null, with how fresh a read must be.
 */
function ownOrKept(
  d: BulkFetchDeps,
  state: EntityState,
  event: WorkEvent,
  side: Side,
  id: string,
  hint?: CustomerKind,
): { found: SideRecord | null; need: number } {
  const need = minReadStart(state, event, side, state[side].id !== null);
  const own =
    event.change?.source === side && event.change.sourceId === id ? ownSnapshot(d, state, event) : null;
  if (own) return { found: own, need };
  const kept = d.reads.recall(side, id, need);
  if (!kept) return { found: null, need };
  const found =
    side === 'siagh'
      ? siaghSideRecord(kept.raw, d.config, kept.readAt)
      : crmSideRecord(id, kept.raw, kept.kind ?? state.kind ?? hint ?? 'person', d.config, kept.readAt);
  return { found, need };
}

export async function bulkCrmById(
  d: BulkFetchDeps,
  state: EntityState,
  event: WorkEvent,
  id: string,
  hint?: CustomerKind,
): Promise<SideRecord | null> {
  const { found } = ownOrKept(d, state, event, 'crm', id, hint);
  if (found) return found;
  d.countRead?.('crm');
  const read = await d.getCrm(id, state.kind ?? hint);
  if (read?.readAt !== undefined)
    d.reads.remember('crm', id, { raw: read.raw, readAt: read.readAt, kind: read.record.kind });
  return read;
}

export async function bulkSiaghByCode(
  d: BulkFetchDeps,
  state: EntityState,
  event: WorkEvent,
  code: string,
): Promise<SideRecord | null> {
  const { found, need } = ownOrKept(d, state, event, 'siagh', code);
  if (found) return found;
  const list = await d.reads.siagh(need);
  const row = list.value.byCode.get(code);
  return row ? siaghSideRecord(row, d.config, list.startedAt) : null;
}

/**
 * The Siagh contact with customer number n in a list begun after the event was observed. When the
 * import's snapshot of that contact is kept (its event lent it, awaitCounterpart.ts), the fields that
 * differ from it were edited after that snapshot's read: evidence for the first link, Siagh keeping no
 * modification time. AWAIT_COUNTERPART (only when `mayAwait`): no such snapshot yet, and the event may
 * wait for the Siagh import's event that will bring it.
 */
export async function bulkFindSiagh(
  d: BulkFetchDeps,
  state: EntityState,
  event: WorkEvent,
  n: number,
  mayAwait = false,
): Promise<SideRecord | null | typeof AWAIT_COUNTERPART> {
  const list = await d.reads.siagh(minReadStart(state, event, 'siagh', false));
  // Two contacts with one customer number: the oldest (lowest Code), as fetch.ts chooses.
  const row = [...(list.value.byNumber.get(n) ?? [])].sort((a, b) => Number(a.Code) - Number(b.Code))[0];
  if (!row) return null;
  const rec = siaghSideRecord(row, d.config, list.startedAt);
  const kept = d.reads.recall('siagh', rec.id, 0);
  if (!kept) return mayAwait ? AWAIT_COUNTERPART : rec;
  if (kept.readAt >= list.startedAt) return siaghSideRecord(kept.raw, d.config, kept.readAt);
  const before = siaghToCanonical(kept.raw, d.config);
  const fields = MAPPED_FIELDS.filter(
    (f) => d.config.fields[f].siagh !== null && before[f] !== rec.record[f],
  );
  return fields.length > 0 ? { ...rec, editedAfter: { after: kept.readAt, fields } } : rec;
}

/** The event is to wait for the import event of its counterpart on the other side; nothing was decided. */
export const AWAIT_COUNTERPART = 'await-counterpart';

/**
 * The CRM identity with customer number n, by an identity list begun after the event was observed.
 * AWAIT_COUNTERPART (only when `mayAwait`): the list names it but no event has brought its content, and the
 * event may wait for the one that will (awaitCounterpart.ts) instead of reading it.
 */
export async function bulkFindCrm(
  d: BulkFetchDeps,
  state: EntityState,
  event: WorkEvent,
  n: number,
  mayAwait = false,
): Promise<SideRecord | null | typeof AWAIT_COUNTERPART> {
  const need = minReadStart(state, event, 'crm', false);
  const index = await d.reads.crmIndex(need);
  const hits = index.value.get(n) ?? [];
  const kept = hits.map((hit) => d.reads.recall('crm', hit.id, state.crm.knownAt ?? 0));
  if (mayAwait && hits.length > 0 && kept.every((k) => k === undefined)) return AWAIT_COUNTERPART;
  for (const [i, hit] of hits.entries()) {
    const k = kept[i];
    const rec = k
      ? crmSideRecord(hit.id, k.raw, k.kind ?? hit.kind, d.config, k.readAt)
      : (d.countRead?.('crm'), await d.getCrm(hit.id, hit.kind));
    if (rec && rec.record.customerNumber === n) return rec;
  }
  return null;
}
