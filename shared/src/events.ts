import { createHash } from 'node:crypto';

// TypeScript twins of schemas/avro/*.avsc. Avro optional fields are `T | null` (never undefined):
// the encoder rejects undefined, and null survives a JSON round trip.

export type SourceSystem = 'crm' | 'siagh';
export type EntityType = 'customer' | 'preinvoice';
export type Operation = 'upsert' | 'delete';
export type Trigger = 'webhook' | 'poll' | 'backfill' | 'manual' | 'redrive';

export interface ChangeEvent {
  eventId: string;
  source: SourceSystem;
  entityType: EntityType;
  sourceId: string;
  operation: Operation;
  sourceTime: number | null;
  observedTime: number;
  trigger: Trigger;
  correlationId: string;
  naturalKey: string | null;
  checksum: string | null;
  snapshot: string | null;
  attributes: Record<string, string>;
}

export type WorkKind = 'change' | 'resolution' | 'redrive';
export type RouteReason = 'id-index' | 'open-intent' | 'natural-key' | 'new-key' | 'direct';

export interface WorkEvent {
  canonicalKey: string;
  kind: WorkKind;
  routeReason: RouteReason;
  routedAt: number;
  correlationId: string;
  change: ChangeEvent | null;
  resolution: string | null;
  redriveOf: string | null;
}

export interface CreateIntent {
  intentId: string;
  canonicalKey: string;
  entityType: EntityType;
  targetSide: SourceSystem;
  naturalKey: string | null;
  checksum: string;
  status: 'open' | 'done' | 'aborted';
  createdId: string | null;
  createdAt: number;
  correlationId: string;
  /** JSON of what the write sets (the syncer's WriteAhead), for recognising it after a crash. */
  write: string | null;
}

export interface Link {
  sourceKey: string;
  canonicalKey: string;
  side: SourceSystem;
  sourceId: string;
  naturalKey: string | null;
  linkedAt: number;
  correlationId: string;
}

export interface EntityStateRecord {
  canonicalKey: string;
  entityType: EntityType;
  version: number;
  generation: number;
  crmId: string | null;
  siaghId: string | null;
  naturalKey: string | null;
  base: string | null;
  writtenChecksum: Record<string, string>;
  seenChecksum: Record<string, string>;
  fieldTimes: string | null;
  openConflicts: string | null;
  pending: string | null;
  deleted: Record<string, boolean>;
  extra: string | null;
  updatedAt: number;
}

export type Direction = 'crm-to-siagh' | 'siagh-to-crm' | 'none';
export type OutcomeStatus =
  | 'synced'
  | 'linked'
  | 'created'
  | 'deleted'
  | 'skipped-echo'
  | 'skipped-unchanged'
  | 'conflict'
  | 'waiting'
  | 'retrying'
  | 'dead-lettered'
  | 'resolved';

export interface FieldChange {
  field: string;
  side: SourceSystem;
  before: string | null;
  after: string | null;
  reason: string;
}

/** A mapped field's value on one side as a first link found it (JSON). */
export interface LinkedValue {
  field: string;
  side: SourceSystem;
  value: string | null;
}

export interface OutcomeError {
  kind: string;
  code: string;
  message: string;
  sourceMessage: string | null;
}

export interface SyncOutcome {
  outcomeId: string;
  correlationId: string;
  canonicalKey: string;
  entityType: EntityType;
  sourceEventId: string;
  direction: Direction;
  status: OutcomeStatus;
  trigger: Trigger;
  crmId: string | null;
  siaghId: string | null;
  naturalKey: string | null;
  sourceSnapshot: string | null;
  targetBefore: string | null;
  targetAfter: string | null;
  fieldDiff: FieldChange[];
  linkedValues: LinkedValue[];
  attempts: number;
  durationMs: number;
  error: OutcomeError | null;
  occurredAt: number;
  sourceTime: number | null;
  /** Why, in words, where the status alone does not say; null on records written before it existed. */
  note: string | null;
}

export interface Conflict {
  conflictId: string;
  canonicalKey: string;
  entityType: EntityType;
  field: string;
  crmValue: string | null;
  siaghValue: string | null;
  baseValue: string | null;
  crmTime: number | null;
  siaghTime: number | null;
  policy: string;
  status: 'open' | 'auto-resolved' | 'resolved';
  winner: SourceSystem | null;
  resolvedValue: string | null;
  resolvedBy: string | null;
  detectedAt: number;
  resolvedAt: number | null;
  correlationId: string;
}

export interface ConflictResolution {
  resolutionId: string;
  conflictId: string;
  canonicalKey: string;
  field: string;
  choice: 'crm' | 'siagh' | 'value';
  value: string | null;
  resolvedBy: string;
  resolvedAt: number;
  correlationId: string;
}

export interface DeadLetter {
  deadLetterId: string;
  canonicalKey: string;
  entityType: EntityType;
  correlationId: string;
  reasonCode: string;
  errorKind: string;
  message: string;
  sourceMessage: string | null;
  attempts: number;
  firstFailedAt: number;
  lastFailedAt: number;
  originalTopic: string;
  originalPartition: number;
  originalOffset: string;
  event: WorkEvent;
}

/** `crm:<guid>` / `siagh:<code>`: the key of raw changes and of the id index. */
export const sourceKey = (source: SourceSystem, sourceId: string): string => `${source}:${sourceId}`;

/**
 * A deterministic event id from the parts that identify one notification, so the same notification
 * delivered twice (webhook retry, poller restart) gets the same id and is recognizable downstream.
 */
export function deterministicEventId(...parts: (string | number | null | undefined)[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(`${p ?? ''}\u0000`);
  return h.digest('hex').slice(0, 32);
}

export function newChangeEvent(
  fields: Omit<ChangeEvent, 'sourceTime' | 'naturalKey' | 'checksum' | 'snapshot' | 'attributes'> &
    Partial<Pick<ChangeEvent, 'sourceTime' | 'naturalKey' | 'checksum' | 'snapshot' | 'attributes'>>,
): ChangeEvent {
  return {
    sourceTime: null,
    naturalKey: null,
    checksum: null,
    snapshot: null,
    attributes: {},
    ...fields,
  };
}
