import { SyncError } from '@siaghsync/shared/errors';
import { describePause, PAUSED, type PauseFlag } from '@siaghsync/shared/operator/pause';
import {
  deterministicEventId,
  type CreateIntent,
  type Direction,
  type FieldChange,
  type LinkedValue,
  type OutcomeStatus,
  type SyncOutcome,
  type WorkEvent,
} from '@siaghsync/shared/events';
import type { EntityState } from './decide/state';
import { carryCreate, writeAheadOf, type WriteAhead } from './decide/recover';
import type { Decision, Fetched, Write } from './decide/types';
import { emptyOutputs, type Outputs } from './outputs';

// Builders of the records the syncer commits: outcomes for the audit, intents, dead letters.

export interface EventMeta {
  topic: string;
  partition: number;
  offset: string;
  generation: number;
  /** Position within a batch of parked events re-run together (keeps outcome ids distinct). */
  index?: number;
  /** The record's operator signature header, checked before an operator event is handled (handle.ts). */
  operatorSignature?: string | Buffer | (string | Buffer)[];
}

interface OutcomeParts {
  status: OutcomeStatus;
  direction?: Direction;
  fieldDiff?: FieldChange[];
  linkedValues?: LinkedValue[];
  note?: string | null;
  fetched?: Fetched;
  durationMs?: number;
  error?: SyncError;
}

const json = (v: unknown): string | null => (v === undefined || v === null ? null : JSON.stringify(v));

export function outcomeOf(
  deps: { now: () => number; onOutcome?: (o: SyncOutcome, attempts: number) => void },
  event: WorkEvent,
  meta: EventMeta,
  attempts: number,
  state: EntityState,
  parts: OutcomeParts,
): SyncOutcome {
  const source = event.change?.source;
  const fetched = parts.fetched;
  const sourceRec = source ? fetched?.[source] : undefined;
  const target = source === 'crm' ? 'siagh' : 'crm';
  const outcome: SyncOutcome = {
    outcomeId: deterministicEventId(
      'outcome',
      event.canonicalKey,
      meta.topic,
      meta.partition,
      meta.offset,
      meta.index ?? 0,
    ),
    correlationId: event.correlationId,
    canonicalKey: event.canonicalKey,
    entityType: state.entityType,
    sourceEventId: event.change?.eventId ?? event.redriveOf ?? `${event.kind}:${meta.offset}`,
    direction: parts.direction ?? 'none',
    status: parts.status,
    trigger:
      event.kind === 'redrive'
        ? 'redrive'
        : event.kind === 'resolution'
          ? 'manual'
          : (event.change?.trigger ?? 'manual'),
    crmId: state.crm.id,
    siaghId: state.siagh.id,
    naturalKey: state.naturalKey === null ? null : String(state.naturalKey),
    sourceSnapshot: json(
      sourceRec?.record ?? (event.change?.snapshot ? JSON.parse(event.change.snapshot) : null),
    ),
    targetBefore: json(source ? fetched?.[target]?.record : undefined),
    targetAfter: json(state.base),
    fieldDiff: parts.fieldDiff ?? [],
    linkedValues: parts.linkedValues ?? [],
    attempts,
    durationMs: Math.max(0, Math.round(parts.durationMs ?? 0)),
    error: parts.error
      ? {
          kind: parts.error.kind,
          code: parts.error.code,
          message: parts.error.message,
          sourceMessage: parts.error.sourceMessage ?? null,
        }
      : null,
    occurredAt: deps.now(),
    sourceTime: event.change?.sourceTime ?? null,
    note: parts.note ?? null,
  };
  deps.onOutcome?.(outcome, attempts);
  return outcome;
}

/**
 * Intents for each create and update the decision makes, made durable before the writes: a create's is
 * keyed so the router can match its echo, and each says what its write sets (decide/recover.ts).
 */
export function intentsFor(
  decision: Decision,
  state: EntityState,
  event: WorkEvent,
  now: number,
  announced: readonly WriteAhead[] = [],
): CreateIntent[] {
  return decision.writes
    .filter((w): w is Extract<Write, { op: 'create' | 'update' }> => w.op === 'create' || w.op === 'update')
    .map((w) => ({ w, ahead: carryCreate(writeAheadOf(w, state)!, announced) }))
    .map(({ w, ahead }) => ({
      intentId:
        w.op === 'create'
          ? deterministicEventId('intent', event.canonicalKey, w.side, event.correlationId)
          : deterministicEventId('intent', event.canonicalKey, w.side, event.correlationId, state.version),
      canonicalKey: event.canonicalKey,
      entityType: decision.newState.entityType,
      targetSide: w.side,
      naturalKey: w.record.customerNumber !== null ? String(w.record.customerNumber) : null,
      checksum: w.checksum,
      status: 'open' as const,
      createdId: ahead.createdId ?? null,
      createdAt: now,
      correlationId: event.correlationId,
      write: JSON.stringify(ahead),
    }));
}

/** Intents of writes that an earlier, uncommitted attempt announced, closed by this commit. */
export function closedIntents(
  announced: readonly WriteAhead[],
  state: EntityState,
  event: WorkEvent,
  now: number,
): CreateIntent[] {
  return announced.map((w) => ({
    intentId: deterministicEventId('intent-closed', state.canonicalKey, w.side, w.stateVersion),
    canonicalKey: state.canonicalKey,
    entityType: state.entityType,
    targetSide: w.side,
    naturalKey: state.naturalKey === null ? null : String(state.naturalKey),
    checksum: w.checksum,
    status: 'done' as const,
    createdId: w.createdId ?? null,
    createdAt: now,
    correlationId: event.correlationId,
    write: null,
  }));
}

interface FailureContext {
  deps: { now: () => number };
  state: EntityState;
  event: WorkEvent;
  meta: EventMeta;
  error: SyncError;
  attempts: number;
  started: number;
}

/** A failed event still commits: the entity's version moves on and the audit gets the outcome. */
function failureOutputs(c: FailureContext, status: 'dead-lettered' | 'retrying'): Outputs {
  const now = c.deps.now();
  const next = { ...c.state, version: c.state.version + 1, generation: c.meta.generation, updatedAt: now };
  return {
    ...emptyOutputs(),
    state: next,
    outcome: outcomeOf(c.deps, c.event, c.meta, c.attempts, next, {
      status,
      error: c.error,
      durationMs: now - c.started,
    }),
  };
}

export function deadLetterOutputs(
  deps: { now: () => number },
  state: EntityState,
  event: WorkEvent,
  meta: EventMeta,
  error: SyncError,
  attempts: number,
  started: number,
): Outputs {
  const outputs = failureOutputs({ deps, state, event, meta, error, attempts, started }, 'dead-lettered');
  return {
    ...outputs,
    deadLetter: {
      deadLetterId: deterministicEventId(
        'dead',
        event.canonicalKey,
        meta.topic,
        meta.partition,
        meta.offset,
        meta.index ?? 0,
      ),
      canonicalKey: event.canonicalKey,
      entityType: state.entityType,
      correlationId: event.correlationId,
      reasonCode: error.code,
      errorKind: error.kind,
      message: error.message,
      sourceMessage: error.sourceMessage ?? null,
      attempts,
      firstFailedAt: started,
      lastFailedAt: outputs.outcome!.occurredAt,
      originalTopic: meta.topic,
      originalPartition: meta.partition,
      originalOffset: meta.offset,
      event,
    },
  };
}

export function parkedOutputs(
  deps: { now: () => number },
  state: EntityState,
  event: WorkEvent,
  meta: EventMeta,
  error: SyncError,
  attempts: number,
  started: number,
): Outputs {
  return failureOutputs({ deps, state, event, meta, error, attempts, started }, 'retrying');
}

/**
 * An operator paused this entity's writes (shared/src/operator/pause.ts): nothing is read or written, the
 * event waits as the head of the entity's queue (handle.ts parks a `waiting` outcome) and runs again when
 * the pause is lifted. The outcome carries the pause as its reason, for the audit and the pending list.
 */
export function pausedOutputs(
  deps: { now: () => number },
  state: EntityState,
  event: WorkEvent,
  meta: EventMeta,
  attempts: number,
  started: number,
  pause: PauseFlag,
): Outputs {
  const now = deps.now();
  // A quote parked on a pause no longer waits for its customer's link: the waker would otherwise wake it
  // again at every new version (preinvoice/wake.ts), for as long as the pause lasts. On resume it is
  // decided again, and waits for the link again if it still must.
  const preInvoice = state.preInvoice ? { preInvoice: { ...state.preInvoice, waitingFor: null } } : {};
  const next = {
    ...state,
    ...preInvoice,
    version: state.version + 1,
    generation: meta.generation,
    updatedAt: now,
  };
  return {
    ...emptyOutputs(),
    state: next,
    outcome: outcomeOf(deps, event, meta, attempts, next, {
      status: 'waiting',
      error: new SyncError('transient', PAUSED, describePause(pause)),
      durationMs: now - started,
    }),
  };
}

/** The pause that stops one of these writes, if any. */
export function pauseOfWrites(
  deps: { paused?: (state: EntityState, side?: 'crm' | 'siagh') => PauseFlag | undefined },
  state: EntityState,
  writes: readonly { side: 'crm' | 'siagh' }[],
): PauseFlag | undefined {
  for (const w of writes) {
    const p = deps.paused?.(state, w.side);
    if (p) return p;
  }
  return undefined;
}
