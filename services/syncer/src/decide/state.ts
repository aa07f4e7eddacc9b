import type { CanonicalCustomer, CustomerKind } from '@siaghsync/shared/mapping/canonical';
import type { MappedField, Side } from '@siaghsync/shared/mapping/syncConfig';
import type { EntityStateRecord, EntityType, WorkEvent } from '@siaghsync/shared/events';
import type { PreInvoiceExtra } from '../preinvoice/state';

// The syncer's per-entity state: what it needs to merge, recognise its own echoes and stay idempotent.
// It is folded from the entity-state changelog; the Avro record keeps nested parts as JSON strings so
// the schema does not have to change each time the domain does.

export interface SideState {
  id: string | null;
  /** Side checksum of what we last wrote there: a fetched record with this checksum is our own echo. */
  written: string | null;
  /** Side checksum of the last record we processed from there. */
  seen: string | null;
  deleted: boolean;
  /**
   * Start time of the newest read of this side a decision used, or end time of our last write there
   * (epoch ms): a read that began earlier is older than what we already know (reads/freshness.ts).
   */
  knownAt?: number;
}

export interface OpenConflict {
  conflictId: string;
  field: MappedField | 'record';
  crmValue: unknown;
  siaghValue: unknown;
  baseValue: unknown;
  policy: string;
  detectedAt: number;
}

export interface EntityState {
  canonicalKey: string;
  entityType: EntityType;
  /** Incremented on each committed change; with `generation`, orders concurrent writers. */
  version: number;
  generation: number;
  naturalKey: number | null;
  kind: CustomerKind | null;
  crm: SideState;
  siagh: SideState;
  /** The last synced canonical record: the base of the three-way merge. */
  base: CanonicalCustomer | null;
  /** Per side, per field: source time (epoch ms) of the last change seen there, for last-write-wins. */
  fieldTimes: Record<Side, Partial<Record<MappedField, number>>>;
  openConflicts: OpenConflict[];
  /** Events parked behind a failing one: processed in order once it succeeds (per-entity ordering). */
  pending: WorkEvent[];
  /**
   * Set while `pending` holds an import event that waits for its counterpart's own import event
   * (reads/awaitCounterpart.ts) rather than a failure: until then (epoch ms), after which it is retried
   * with a read. Such a wait holds back no other event of the entity.
   */
  awaitingUntil?: number;
  updatedAt: number;
  /** Pre-invoice entities only (null for customers); see preinvoice/state.ts. */
  preInvoice: PreInvoiceExtra | null;
}

const emptySide = (): SideState => ({ id: null, written: null, seen: null, deleted: false });

export function initialState(canonicalKey: string, entityType: EntityType = 'customer'): EntityState {
  const n = /^customer:(\d+)$/.exec(canonicalKey)?.[1];
  return {
    canonicalKey,
    entityType,
    version: 0,
    generation: -1,
    naturalKey: n === undefined ? null : Number(n),
    kind: null,
    crm: emptySide(),
    siagh: emptySide(),
    base: null,
    fieldTimes: { crm: {}, siagh: {} },
    openConflicts: [],
    pending: [],
    updatedAt: 0,
    preInvoice: null,
  };
}

const parse = <T>(json: string | null, fallback: T): T =>
  json === null ? fallback : (JSON.parse(json) as T);

interface Extra {
  kind: CustomerKind | null;
  crmSeen: string | null;
  siaghSeen: string | null;
  crmKnownAt?: number;
  siaghKnownAt?: number;
  preInvoice?: PreInvoiceExtra;
  awaitingUntil?: number;
}

export function toRecord(s: EntityState): EntityStateRecord {
  const extra: Extra = { kind: s.kind, crmSeen: s.crm.seen, siaghSeen: s.siagh.seen };
  if (s.crm.knownAt) extra.crmKnownAt = s.crm.knownAt;
  if (s.siagh.knownAt) extra.siaghKnownAt = s.siagh.knownAt;
  if (s.preInvoice) extra.preInvoice = s.preInvoice;
  if (s.awaitingUntil !== undefined) extra.awaitingUntil = s.awaitingUntil;
  const written: Record<string, string> = {};
  if (s.crm.written) written.crm = s.crm.written;
  if (s.siagh.written) written.siagh = s.siagh.written;
  const seen: Record<string, string> = {};
  if (s.crm.seen) seen.crm = s.crm.seen;
  if (s.siagh.seen) seen.siagh = s.siagh.seen;
  return {
    canonicalKey: s.canonicalKey,
    entityType: s.entityType,
    version: s.version,
    generation: s.generation,
    crmId: s.crm.id,
    siaghId: s.siagh.id,
    naturalKey: s.naturalKey === null ? null : String(s.naturalKey),
    base: s.base === null ? null : JSON.stringify(s.base),
    writtenChecksum: written,
    seenChecksum: seen,
    fieldTimes: JSON.stringify(s.fieldTimes),
    openConflicts: s.openConflicts.length ? JSON.stringify(s.openConflicts) : null,
    pending: s.pending.length ? JSON.stringify(s.pending) : null,
    deleted: { crm: s.crm.deleted, siagh: s.siagh.deleted },
    extra: JSON.stringify(extra),
    updatedAt: s.updatedAt,
  };
}

export function fromRecord(r: EntityStateRecord): EntityState {
  const extra = parse<Extra>(r.extra, { kind: null, crmSeen: null, siaghSeen: null });
  return {
    canonicalKey: r.canonicalKey,
    entityType: r.entityType,
    version: r.version,
    generation: r.generation,
    naturalKey: r.naturalKey === null ? null : Number(r.naturalKey),
    kind: extra.kind,
    crm: {
      id: r.crmId,
      written: r.writtenChecksum.crm ?? null,
      seen: r.seenChecksum.crm ?? null,
      deleted: r.deleted.crm ?? false,
      ...(extra.crmKnownAt !== undefined && { knownAt: extra.crmKnownAt }),
    },
    siagh: {
      id: r.siaghId,
      written: r.writtenChecksum.siagh ?? null,
      seen: r.seenChecksum.siagh ?? null,
      deleted: r.deleted.siagh ?? false,
      ...(extra.siaghKnownAt !== undefined && { knownAt: extra.siaghKnownAt }),
    },
    base: parse<CanonicalCustomer | null>(r.base, null),
    fieldTimes: parse(r.fieldTimes, { crm: {}, siagh: {} }),
    openConflicts: parse<OpenConflict[]>(r.openConflicts, []),
    pending: parse<WorkEvent[]>(r.pending, []),
    updatedAt: r.updatedAt,
    preInvoice: extra.preInvoice ?? null,
    ...(extra.awaitingUntil !== undefined && { awaitingUntil: extra.awaitingUntil }),
  };
}

/**
 * Whether a changelog record may replace the state we hold. A zombie (a consumer that lost its
 * partitions but still commits, since kafkajs cannot fence it) writes with an older generation, or
 * with a version that is not newer: either way it loses, whatever the order in the log.
 */
export function supersedes(
  candidate: Pick<EntityState, 'generation' | 'version'>,
  current: Pick<EntityState, 'generation' | 'version'> | undefined,
): boolean {
  if (current === undefined) return true;
  if (candidate.generation !== current.generation) return candidate.generation > current.generation;
  return candidate.version > current.version;
}
