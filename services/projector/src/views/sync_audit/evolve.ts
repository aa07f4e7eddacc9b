import type {
  Direction,
  FieldChange,
  OutcomeError,
  OutcomeStatus,
  SyncOutcome,
  Trigger,
} from '@siaghsync/shared/events';
import type { ProjectorEvent } from '../../events';
import type { View } from '../types';

/** One document per outcome. Snapshots stay JSON strings: their keys may contain dots. */
export interface AuditDoc {
  _id: string;
  outcomeId: string;
  correlationId: string;
  canonicalKey: string;
  entityType: string;
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
  changedFields: string[];
  /**
   * A pair's first link: the mapped fields whose values differed between the two sides ([] when they
   * agreed); null for every other outcome. An import's summary counts pairs and their differences by it.
   * Absent from documents written before it existed (read as null).
   */
  linkDiffering?: string[] | null;
  attempts: number;
  durationMs: number;
  error: OutcomeError | null;
  occurredAt: number;
  sourceTime: number | null;
  /** Why, in words, where the status alone does not say. Absent from documents written before it existed. */
  note?: string | null;
}

export function auditDoc(o: SyncOutcome): AuditDoc {
  return {
    _id: o.outcomeId,
    outcomeId: o.outcomeId,
    correlationId: o.correlationId,
    canonicalKey: o.canonicalKey,
    entityType: o.entityType,
    sourceEventId: o.sourceEventId,
    direction: o.direction,
    status: o.status,
    trigger: o.trigger,
    crmId: o.crmId,
    siaghId: o.siaghId,
    naturalKey: o.naturalKey,
    sourceSnapshot: o.sourceSnapshot,
    targetBefore: o.targetBefore,
    targetAfter: o.targetAfter,
    fieldDiff: o.fieldDiff,
    changedFields: [...new Set(o.fieldDiff.map((f) => f.field))].sort(),
    linkDiffering: linkDiffering(o.linkedValues),
    attempts: o.attempts,
    durationMs: o.durationMs,
    error: o.error,
    occurredAt: o.occurredAt,
    sourceTime: o.sourceTime,
    note: o.note ?? null,
  };
}

/** The fields both sides carried at a first link, with different values (null: not a first link). */
export function linkDiffering(values: SyncOutcome['linkedValues']): string[] | null {
  if (values.length === 0) return null;
  const crm = new Map<string, string | null>();
  const siagh = new Map<string, string | null>();
  for (const v of values) (v.side === 'crm' ? crm : siagh).set(v.field, v.value);
  return [...crm.keys()].filter((f) => siagh.has(f) && siagh.get(f) !== crm.get(f)).sort();
}

export const syncAuditView: View<AuditDoc> = {
  name: 'sync_audit',
  // 2: linkDiffering (an import's summary reads it).
  revision: 2,
  stateless: true,
  keys: (e: ProjectorEvent) => (e.type === 'outcome' ? [e.data.outcomeId] : []),
  // The outcome id is deterministic, so a re-delivered outcome rewrites the same document.
  evolve: (doc, e) => (e.type === 'outcome' ? auditDoc(e.data) : doc),
  // Every filter of the audit search sorts by time, newest first, with _id as the tie-break of the cursor.
  indexes: [
    { key: { occurredAt: -1, _id: -1 } },
    { key: { canonicalKey: 1, occurredAt: -1, _id: -1 } },
    { key: { naturalKey: 1, occurredAt: -1, _id: -1 } },
    { key: { crmId: 1, occurredAt: -1, _id: -1 } },
    { key: { siaghId: 1, occurredAt: -1, _id: -1 } },
    { key: { status: 1, occurredAt: -1, _id: -1 } },
    { key: { direction: 1, occurredAt: -1, _id: -1 } },
    { key: { correlationId: 1 } },
  ],
};
