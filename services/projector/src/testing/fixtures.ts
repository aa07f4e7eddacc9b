import type {
  Conflict,
  ConflictResolution,
  DeadLetter,
  EntityStateRecord,
  SyncOutcome,
  WorkEvent,
} from '@siaghsync/shared/events';
import type { Positioned, ProjectorEvent, Stream } from '../events';

// Builders of the syncer's records with plausible defaults, for specs and int tests.

export const T0 = Date.UTC(2025, 10, 20, 8, 0, 0);

export function outcome(p: Partial<SyncOutcome> & Pick<SyncOutcome, 'outcomeId'>): SyncOutcome {
  return {
    correlationId: `corr-${p.outcomeId}`,
    canonicalKey: 'customer:1231',
    entityType: 'customer',
    sourceEventId: `ev-${p.outcomeId}`,
    direction: 'crm-to-siagh',
    status: 'synced',
    trigger: 'webhook',
    crmId: 'c0ffee00-0000-4000-8000-000000001231',
    siaghId: '5001',
    naturalKey: '1231',
    sourceSnapshot: JSON.stringify({ nickName: 'علی رضایی', phone: '09121234567' }),
    targetBefore: null,
    targetAfter: JSON.stringify({ Name: 'علی رضایی', MobileNo: '09121234567' }),
    fieldDiff: [],
    linkedValues: [],
    attempts: 1,
    durationMs: 40,
    error: null,
    occurredAt: T0,
    sourceTime: T0 - 1000,
    note: null,
    ...p,
  };
}

export function conflict(p: Partial<Conflict> & Pick<Conflict, 'conflictId'>): Conflict {
  return {
    canonicalKey: 'customer:1231',
    entityType: 'customer',
    field: 'phone',
    crmValue: '09120000001',
    siaghValue: '09120000002',
    baseValue: '09120000000',
    crmTime: T0,
    siaghTime: T0 + 500,
    policy: 'manual',
    status: 'open',
    winner: null,
    resolvedValue: null,
    resolvedBy: null,
    detectedAt: T0 + 1000,
    resolvedAt: null,
    correlationId: `corr-${p.conflictId}`,
    ...p,
  };
}

export function workChange(canonicalKey: string, eventId: string): WorkEvent {
  return {
    canonicalKey,
    kind: 'change',
    routeReason: 'natural-key',
    routedAt: T0,
    correlationId: `corr-${eventId}`,
    change: {
      eventId,
      source: 'crm',
      entityType: 'customer',
      sourceId: 'c0ffee00-0000-4000-8000-000000001231',
      operation: 'upsert',
      sourceTime: T0 - 2000,
      observedTime: T0 - 1000,
      trigger: 'webhook',
      correlationId: `corr-${eventId}`,
      naturalKey: '1231',
      checksum: null,
      snapshot: null,
      attributes: { 'subtype.label': 'مخاطب حقیقی siagh' },
    },
    resolution: null,
    redriveOf: null,
  };
}

export function deadLetter(p: Partial<DeadLetter> & Pick<DeadLetter, 'deadLetterId'>): DeadLetter {
  const canonicalKey = p.canonicalKey ?? 'customer:1231';
  return {
    canonicalKey,
    entityType: 'customer',
    correlationId: `corr-${p.deadLetterId}`,
    reasonCode: 'SIAGH_DUPLICATE_PHONE',
    errorKind: 'permanent',
    message: 'Siagh refused the contact: duplicate phone number',
    sourceMessage: 'شماره تلفن نمی تواند تکراری باشد.',
    attempts: 1,
    firstFailedAt: T0,
    lastFailedAt: T0,
    originalTopic: 'siaghsync.work',
    originalPartition: 0,
    originalOffset: '42',
    event: workChange(canonicalKey, `ev-${p.deadLetterId}`),
    ...p,
  };
}

export function entityState(
  p: Partial<EntityStateRecord> & Pick<EntityStateRecord, 'canonicalKey'>,
): EntityStateRecord {
  return {
    entityType: 'customer',
    version: 1,
    generation: 1,
    crmId: 'c0ffee00-0000-4000-8000-000000001231',
    siaghId: '5001',
    naturalKey: '1231',
    base: null,
    writtenChecksum: { siagh: 'abc' },
    seenChecksum: { crm: 'abc' },
    fieldTimes: null,
    openConflicts: null,
    pending: null,
    deleted: {},
    extra: null,
    updatedAt: T0,
    ...p,
  };
}

export function resolution(
  p: Partial<ConflictResolution> & Pick<ConflictResolution, 'conflictId'>,
): ConflictResolution {
  return {
    resolutionId: `res-${p.conflictId}`,
    canonicalKey: 'customer:1231',
    field: 'phone',
    choice: 'crm',
    value: null,
    resolvedBy: 'operator',
    resolvedAt: T0 + 5000,
    correlationId: `corr-res-${p.conflictId}`,
    ...p,
  };
}

/** Gives events positions as if each stream were one partition read in the order given. */
export function positioned(events: ProjectorEvent[]): Positioned[] {
  const next = new Map<Stream, number>();
  const streamOf: Record<ProjectorEvent['type'], Stream> = {
    outcome: 'outcomes',
    conflict: 'conflicts',
    'dead-letter': 'dead-letters',
    'entity-state': 'entity-state',
    'resolution-requested': 'work',
    'redrive-requested': 'work',
  };
  return events.map((event) => {
    const stream = streamOf[event.type];
    const offset = next.get(stream) ?? 0;
    next.set(stream, offset + 1);
    return { event, pos: { stream, partition: 0, offset } };
  });
}
