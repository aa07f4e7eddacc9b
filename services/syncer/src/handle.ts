import { setTimeout as sleep } from 'node:timers/promises';
import { classify, permanent, type SyncError } from '@siaghsync/shared/errors';
import { needsOperatorSignature, verifyOperatorEvent } from '@siaghsync/shared/operator/signature';
import type { SyncOutcome, WorkEvent } from '@siaghsync/shared/events';
import type { Logger } from '@siaghsync/shared/logger';
import type { SyncConfig } from '@siaghsync/shared/mapping/syncConfig';
import { decide } from './decide/decide';
import { settledWithoutRead } from './decide/echo';
import { initialState, type EntityState } from './decide/state';
import { adoptableCreates, adoptCreated, recoverWrites, type WriteAhead } from './decide/recover';
import { directionTo, type Decision, type Fetched } from './decide/types';
import { fetchRecords, type Systems } from './fetch';
import type { StateTable } from './kafka/tables';
import { NotOwner } from './kafka/ownership';
import {
  closedIntents,
  deadLetterOutputs,
  intentsFor,
  outcomeOf,
  parkedOutputs,
  pausedOutputs,
  pauseOfWrites,
  type EventMeta,
} from './records';
import type { PauseFlag } from '@siaghsync/shared/operator/pause';
import { emptyOutputs, linksFor, type Outputs } from './outputs';
import { applyWriteResults, performWrite, type WriteResult } from './write';
import { attemptPreInvoice } from './preinvoice/handle';
import type { CustomerLookups } from './preinvoice/fetch';
import type { BulkReads } from './reads/bulkReads';
import { stampKnown } from './reads/freshness';
import { AWAIT_COUNTERPART, ownSnapshot } from './reads/bulkFetch';
import { awaitCounterpart, mayAwaitCounterpart, queueFor } from './reads/awaitCounterpart';

export interface HandlerDeps {
  systems: Systems;
  config: SyncConfig;
  /** Makes write intents durable BEFORE the external writes (idempotent producer, acks=all). */
  announce: (intents: Outputs['intents']) => Promise<void>;
  /** Writes announced for an entity whose commit has not been read back (decide/recover.ts). */
  announced?: (canonicalKey: string) => WriteAhead[];
  logger: Logger;
  now: () => number;
  retry: { maxAttempts: number; baseMs: number; maxMs: number };
  onOutcome?: (outcome: SyncOutcome, attempts: number) => void;
  /** The id index and customer states, for a pre-invoice's customer link. */
  customers?: CustomerLookups;
  /**
   * Aborted when the syncer stops: an event that failed transiently parks at once instead of waiting out
   * its backoff, so a stop never runs a retry schedule (the parked event is retried after the restart).
   */
  stopping?: AbortSignal;
  /** List reads shared by the import's events (reads/); unset = single-record reads only. */
  reads?: BulkReads;
  /** Counts each single-record read (metrics: API reads per event). */
  countRead?: (side: 'crm' | 'siagh') => void;
  /** How long an import event may wait for its counterpart's event (reads/awaitCounterpart.ts); unset or 0 = never. */
  counterpartWaitMs?: number;
  /** OPERATOR_EVENT_KEY: operator events must be signed with it (shared/src/operator/signature.ts); unset = none is accepted. */
  operatorEventKey?: string;
  /** The operator's pause that stops this entity's writes (to `side`, or whatever their side), if any. */
  paused?: (state: EntityState, side?: 'crm' | 'siagh') => PauseFlag | undefined;
}

/**
 * One work event, read straight through: load state, fetch both records, decide, announce creates,
 * write, and return what to commit (state, links, intents, outcome, conflicts) with the offset.
 * Transient failures are retried here (other entities keep flowing meanwhile); after the last attempt
 * the event is parked on its entity, and later events of that entity queue behind it.
 */
export async function handleEvent(
  deps: HandlerDeps,
  states: StateTable,
  event: WorkEvent,
  meta: EventMeta,
): Promise<Outputs[]> {
  const entityType = event.change?.entityType ?? 'customer';
  let state = states.get(event.canonicalKey) ?? initialState(event.canonicalKey, entityType);
  const refused = refuseUnsigned(deps, state, event, meta);
  if (refused) return [refused];
  const isRetry = event.kind === 'redrive' && event.redriveOf === 'retry';

  const queued = isRetry ? null : queueFor(state, event);
  if (queued?.behind) {
    state = {
      ...state,
      pending: [...state.pending, event],
      version: state.version + 1,
      generation: meta.generation,
    };
    states.offer(state);
    return [
      {
        ...emptyOutputs(),
        state,
        outcome: outcomeOf(deps, event, meta, 0, state, {
          status: 'waiting',
          note: 'queued behind an earlier event of this entity that is being retried',
        }),
      },
    ];
  }

  const queue = queued?.run ?? state.pending;
  // Kept for the waiting event, which links the pair on it (awaitCounterpart.ts queueFor).
  if (queued?.keep && deps.reads)
    ownSnapshot({ reads: deps.reads, config: deps.config, snapshotKey: deps.operatorEventKey }, state, event);
  if (state.pending.length > 0) state = withoutPending(state);
  const all: Outputs[] = [];
  for (let i = 0; i < queue.length; i++) {
    const current = queue[i]!;
    // Only a new event alone may wait for its counterpart: one that waited already reads (its
    // deadline passed, or another event of the entity came first: awaitCounterpart.ts queueFor).
    const mayAwait = !isRetry && queue.length === 1;
    const result = await runWithRetries(deps, state, current, { ...meta, index: i }, mayAwait);
    state = result.state;
    if (result.parked) {
      // This event and everything after it wait for the next retry, in order.
      state = { ...state, pending: queue.slice(i) };
      result.outputs.state = state;
    }
    states.offer(state);
    all.push(result.outputs);
    if (result.parked) break;
  }
  return all;
}

/**
 * An operator event (resolution, redrive) whose signature is missing or wrong is a dead letter before
 * anything else: no read, no write, the entity's state untouched, and never queued behind its other
 * events (a queued event would later run without its header). Checked here, where every event enters.
 */
function refuseUnsigned(
  deps: HandlerDeps,
  state: EntityState,
  event: WorkEvent,
  meta: EventMeta,
): Outputs | null {
  if (!needsOperatorSignature(event)) return null;
  const verdict = verifyOperatorEvent(event, meta.operatorSignature, deps.operatorEventKey);
  if (verdict === 'valid') return null;
  const why =
    deps.operatorEventKey === undefined
      ? 'this syncer has no OPERATOR_EVENT_KEY, so no operator event is accepted'
      : verdict === 'missing'
        ? 'it carries no signature'
        : 'its signature does not match OPERATOR_EVENT_KEY';
  const error = permanent('unsigned-operator-event', `${event.kind} event refused: ${why}`);
  deps.logger.warn(
    {
      canonicalKey: event.canonicalKey,
      correlationId: event.correlationId,
      kind: event.kind,
      verdict,
      topic: meta.topic,
      partition: meta.partition,
      offset: meta.offset,
    },
    'unsigned operator event dead-lettered',
  );
  const { state: _unchanged, ...outputs } = deadLetterOutputs(deps, state, event, meta, error, 1, deps.now());
  return outputs;
}

function withoutPending(state: EntityState): EntityState {
  const { awaitingUntil: _, ...rest } = state;
  return { ...rest, pending: [] };
}

async function runWithRetries(
  deps: HandlerDeps,
  state: EntityState,
  event: WorkEvent,
  meta: EventMeta,
  mayAwait: boolean,
): Promise<{ state: EntityState; outputs: Outputs; parked: boolean }> {
  const started = deps.now();
  let lastError: SyncError | undefined;
  let attempt = 1;
  for (; attempt <= deps.retry.maxAttempts; attempt++) {
    try {
      // The target changed under our last attempt's write: what it was decided on (a snapshot, a list
      // read, a kept record) is older than that change, so this attempt reads each record itself.
      const fresh = lastError?.code.endsWith('_CHANGED_BEFORE_WRITE') === true;
      const outputs = await attemptOnce(deps, state, event, meta, attempt, started, mayAwait, fresh);
      // A pre-invoice waiting for its customer's link parks like a retry, woken by the link (preinvoice/wake.ts).
      return { state: outputs.state ?? state, outputs, parked: outputs.outcome?.status === 'waiting' };
    } catch (err) {
      // Not a failure of this event: the member lost its partition, whose new owner handles it.
      if (err instanceof NotOwner) throw err;
      lastError = classify(err);
      deps.logger.warn(
        {
          err: lastError.toJSON(),
          attempt,
          canonicalKey: event.canonicalKey,
          correlationId: event.correlationId,
          partition: meta.partition,
          offset: meta.offset,
        },
        'sync attempt failed',
      );
      if (lastError.kind === 'permanent') {
        const outputs = deadLetterOutputs(deps, state, event, meta, lastError, attempt, started);
        return { state: outputs.state ?? state, outputs, parked: false };
      }
      if (attempt < deps.retry.maxAttempts) {
        const backoff = Math.min(deps.retry.maxMs, deps.retry.baseMs * 2 ** (attempt - 1));
        const jittered = backoff / 2 + Math.random() * (backoff / 2);
        const waited = await backoffUnlessStopping(
          Math.max(jittered, lastError.retryAfterMs ?? 0),
          deps.stopping,
        );
        if (!waited) break;
      }
    }
  }
  const attempts = Math.min(attempt, deps.retry.maxAttempts);
  const outputs = parkedOutputs(deps, state, event, meta, lastError!, attempts, started);
  return { state: outputs.state ?? state, outputs, parked: true };
}

async function attemptOnce(
  deps: HandlerDeps,
  state: EntityState,
  event: WorkEvent,
  meta: EventMeta,
  attempt: number,
  started: number,
  mayAwait: boolean,
  fresh = false,
): Promise<Outputs> {
  // Paused whatever the side (all writes, or this customer): nothing is read or written.
  const held = deps.paused?.(state);
  if (held) return pausedOutputs(deps, state, event, meta, attempt, started, held);
  if (state.entityType === 'preinvoice') return attemptPreInvoice(deps, state, event, meta, attempt, started);
  // A write of an earlier attempt on this same state may have landed before that attempt died.
  const announced = deps.announced?.(state.canonicalKey) ?? [];
  const committed = state;
  const settled = announced.length === 0 ? settledWithoutRead(state, event) : null;
  if (settled !== null) {
    const echoed = {
      ...state,
      version: state.version + 1,
      updatedAt: deps.now(),
      generation: meta.generation,
    };
    return {
      ...emptyOutputs(),
      state: echoed,
      outcome: outcomeOf(deps, event, meta, attempt, echoed, {
        ...settled,
        durationMs: deps.now() - started,
      }),
    };
  }
  const adopted = adoptableCreates(committed, announced)[0];
  state = adoptCreated(state, announced, deps.config);
  const read = await fetchRecords(deps.systems, deps.config, state, event, {
    reads: fresh ? undefined : deps.reads,
    snapshotKey: deps.operatorEventKey,
    ...(deps.countRead && { countRead: deps.countRead }),
    mayAwait:
      mayAwait &&
      (deps.counterpartWaitMs ?? 0) > 0 &&
      announced.length === 0 &&
      mayAwaitCounterpart(state, event),
  });
  if (read === AWAIT_COUNTERPART) {
    const now = deps.now();
    const waiting = awaitCounterpart(state, event, now + (deps.counterpartWaitMs ?? 0), meta.generation, now);
    return {
      ...emptyOutputs(),
      state: waiting,
      outcome: outcomeOf(deps, event, meta, attempt, waiting, {
        status: 'waiting',
        note:
          event.change?.source === 'crm'
            ? 'waits for the import event of its Siagh counterpart, whose snapshot tells a Siagh edit made since from old data'
            : 'waits for the import event of its CRM counterpart, which links the pair without a CRM read',
        durationMs: now - started,
      }),
    };
  }
  const fetched: Fetched = read;
  state = recoverWrites(state, announced, fetched, deps.config);
  const decision: Decision = decide({ state, event, fetched, config: deps.config, now: deps.now() });
  // A write to a paused side: the event waits from the committed state, decided again on resume.
  const stopped = pauseOfWrites(deps, state, decision.writes);
  if (stopped) return pausedOutputs(deps, committed, event, meta, attempt, started, stopped);
  const intents = intentsFor(decision, state, event, deps.now(), announced);
  if (intents.length > 0) await deps.announce(intents);
  const results: WriteResult[] = [];
  for (const write of decision.writes) {
    const result = await performWrite(deps.systems, deps.config, write, fetched, state, deps.countRead);
    results.push(result);
    // The new id is durable before anything else happens to that record, so its events route here and a
    // re-run after a crash links it by id even if a person deletes it meanwhile (decide/recover.ts).
    const intent = write.op === 'create' ? intents.find((i) => i.targetSide === write.side) : undefined;
    if (intent) await deps.announce([{ ...intent, createdId: result.id }]);
  }
  const now = deps.now();
  const newState: EntityState = {
    ...stampKnown(applyWriteResults(decision.newState, results), fetched, results, now),
    generation: meta.generation,
  };
  // The audit's record of a create made by an attempt that died before its commit is this re-run's.
  const createdEarlier = adopted !== undefined && decision.outcome.status === 'linked';
  const outcome = outcomeOf(deps, event, meta, attempt, newState, {
    status: createdEarlier ? 'created' : decision.outcome.status,
    direction: createdEarlier ? directionTo(adopted.side) : decision.outcome.direction,
    fieldDiff: decision.outcome.fieldDiff,
    ...(decision.outcome.linkedValues && { linkedValues: decision.outcome.linkedValues }),
    note: createdEarlier ? 'created by an earlier attempt that did not commit' : decision.outcome.note,
    fetched,
    durationMs: now - started,
  });
  // Against the COMMITTED state: a link adopted from an announced create has never been recorded.
  const newLinks = linksFor(newState, event.correlationId, now).filter(
    (l) => (l.side === 'crm' ? committed.crm.id : committed.siagh.id) !== l.sourceId,
  );
  return {
    state: newState,
    links: newLinks,
    intents: [
      ...intents.map((i) => ({
        ...i,
        status: 'done' as const,
        createdId: results.find((r) => r.write.side === i.targetSide)?.id ?? null,
      })),
      // Writes announced by attempts that died are settled by this commit: their intents close with it.
      ...closedIntents(
        announced.filter((w) => !intents.some((i) => i.targetSide === w.side)),
        newState,
        event,
        now,
      ),
    ],
    outcome,
    conflicts: decision.conflicts.map((c) => ({
      ...c,
      entityType: newState.entityType,
      correlationId: event.correlationId,
    })),
  };
}

/** False when the syncer began to stop before or during the wait. */
async function backoffUnlessStopping(ms: number, stopping: AbortSignal | undefined): Promise<boolean> {
  if (stopping?.aborted) return false;
  try {
    await sleep(ms, undefined, stopping ? { signal: stopping } : undefined);
    return true;
  } catch (err) {
    if (stopping?.aborted) return false;
    throw err;
  }
}
