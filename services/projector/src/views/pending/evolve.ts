import type { EntityStateRecord, OutcomeError, SyncOutcome, WorkEvent } from '@siaghsync/shared/events';
import type { ProjectorEvent } from '../../events';
import type { View } from '../types';

// Work that waits: one document per entity whose events the syncer holds back (services/syncer).
//
// WHICH entity waits, and for what, comes from its latest entity-state record (the compacted
// changelog the syncer restores from), never from the audit alone:
//   `pending`              JSON WorkEvent[]: non-empty = the entity's events are parked on it, in order;
//                          the first is the one that failed or waits, the others queue behind it
//   `extra.awaitingUntil`  an import event waiting for its counterpart's own import event until then
//                          (reads/awaitCounterpart.ts), after which the syncer reads instead
//   `extra.preInvoice.waitingFor`  a quote waiting for its customer's link (`crm:<identityId>`,
//                          preinvoice/wake.ts): sent once the customer has a Siagh code
// WHY and SINCE WHEN come from the outcomes of the parked event (same correlation id): the state holds
// no error. Its `retrying` outcomes carry the error and the attempts of each run; the first one is when
// the wait began. The syncer retries a parked event SYNCER_PARK_RETRY_MS after its last run; that
// interval is the syncer's configuration, so the next attempt of a retrying entity is added by the
// query (queries.ts), not stored.
//
// The two streams are folded into separate parts (`st`, `episodes`), each a function of its own stream
// only, and everything else is derived from both: the result, and which positions the guard records,
// do not depend on how a rebuild interleaves the two topics.

export type PendingState = 'retrying' | 'paused' | 'parked' | 'waiting-for-link' | 'waiting-for-counterpart';
export const PENDING_STATES: readonly PendingState[] = [
  'retrying',
  'paused',
  'parked',
  'waiting-for-link',
  'waiting-for-counterpart',
];
export type PendingKind = 'customer' | 'quote';

/** The parked event at the head of the entity's queue. */
export interface HeadEvent {
  correlationId: string;
  kind: string;
  source: string | null;
  trigger: string | null;
  eventId: string | null;
  observedTime: number | null;
}

/** What the latest entity-state record says, kept only while it says the entity waits. */
export interface StatePart {
  entityType: string;
  crmId: string | null;
  siaghId: string | null;
  naturalKey: string | null;
  /** Parked events, the head included. */
  events: number;
  head: HeadEvent | null;
  awaitingUntil: number | null;
  waitingFor: string | null;
  customerCrmId: string | null;
  updatedAt: number;
}

/** The outcomes of one event that failed or waited and has not finished since (no final outcome yet). */
export interface Episode {
  correlationId: string;
  firstAt: number;
  lastAt: number;
  /** Attempts over all of its runs. */
  attempts: number;
  lastStatus: 'retrying' | 'waiting';
  error: OutcomeError | null;
}

export interface PendingDoc {
  _id: string;
  canonicalKey: string;
  entityType: string;
  kind: PendingKind;
  /** null: the entity does not wait (kept, hidden by the queries: view documents are never deleted). */
  state: PendingState | null;
  customerNumber: string | null;
  crmId: string | null;
  siaghId: string | null;
  /** A quote's customer (`crm:<identityId>`) while it waits for that customer's link. */
  waitingFor: string | null;
  reasonCode: string | null;
  message: string | null;
  /** The target system's own words, when the failure carried them (Persian from Siagh). */
  sourceMessage: string | null;
  /** When the parked event began to wait (its first failed or waiting run). */
  since: number | null;
  lastAttemptAt: number | null;
  /** Known from the state alone (a counterpart wait's deadline); a retry's is added by the query. */
  nextAttemptAt: number | null;
  attempts: number;
  /** Events parked behind the head. */
  queued: number;
  head: HeadEvent | null;
  st: StatePart | null;
  episodes: Episode[];
}

/** Enough for every event an entity can have parked at once; the oldest are dropped past it. */
export const MAX_EPISODES = 20;

const parse = (json: string | null): unknown => {
  if (!json) return null;
  try {
    return JSON.parse(json) as unknown;
  } catch {
    return null;
  }
};

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

function headOf(pending: unknown): { events: number; head: HeadEvent | null } {
  if (!Array.isArray(pending) || pending.length === 0) return { events: 0, head: null };
  const w = pending[0] as Partial<WorkEvent> | null;
  const c = w?.change ?? null;
  return {
    events: pending.length,
    head:
      w && typeof w.correlationId === 'string'
        ? {
            correlationId: w.correlationId,
            kind: String(w.kind ?? 'change'),
            source: str(c?.source),
            trigger: str(c?.trigger),
            eventId: str(c?.eventId),
            observedTime: num(c?.observedTime),
          }
        : null,
  };
}

/** The waiting part of a state record; null when it says the entity waits for nothing. */
export function statePart(r: EntityStateRecord | null): StatePart | null {
  if (!r) return null;
  const { events, head } = headOf(parse(r.pending));
  if (events === 0) return null;
  const extra = (parse(r.extra) ?? {}) as {
    awaitingUntil?: unknown;
    preInvoice?: { waitingFor?: unknown; customerCrmId?: unknown } | null;
  };
  return {
    entityType: r.entityType,
    crmId: r.crmId,
    siaghId: r.siaghId,
    naturalKey: r.naturalKey,
    events,
    head,
    awaitingUntil: num(extra.awaitingUntil),
    waitingFor: str(extra.preInvoice?.waitingFor),
    customerCrmId: str(extra.preInvoice?.customerCrmId),
    updatedAt: r.updatedAt,
  };
}

/**
 * An outcome folded into the open episodes; the same array when it changes nothing. A `waiting`
 * outcome with no attempt is an event queued behind another (handle.ts), not a wait of its own.
 */
export function foldOutcome(episodes: Episode[], o: SyncOutcome): Episode[] {
  const i = episodes.findIndex((e) => e.correlationId === o.correlationId);
  const waits = o.status === 'retrying' || (o.status === 'waiting' && o.attempts > 0);
  if (!waits) {
    if (o.status === 'waiting' || i < 0) return episodes;
    return episodes.filter((_, k) => k !== i);
  }
  const prev = i < 0 ? null : episodes[i]!;
  const next: Episode = {
    correlationId: o.correlationId,
    firstAt: prev ? Math.min(prev.firstAt, o.occurredAt) : o.occurredAt,
    lastAt: prev ? Math.max(prev.lastAt, o.occurredAt) : o.occurredAt,
    attempts: (prev?.attempts ?? 0) + o.attempts,
    lastStatus: o.status === 'retrying' ? 'retrying' : 'waiting',
    error: o.error ?? (o.status === 'retrying' ? (prev?.error ?? null) : null),
  };
  const rest = episodes.filter((_, k) => k !== i);
  return [...rest, next].slice(-MAX_EPISODES);
}

const sideName = (s: string | null) => (s === 'crm' ? 'CRM' : s === 'siagh' ? 'Siagh' : 'other');

function derive(id: string, st: StatePart | null, episodes: Episode[]): PendingDoc {
  const entityType = st?.entityType ?? (id.startsWith('preinvoice:') ? 'preinvoice' : 'customer');
  const kind: PendingKind = entityType === 'preinvoice' ? 'quote' : 'customer';
  const base = {
    _id: id,
    canonicalKey: id,
    entityType,
    kind,
    customerNumber: kind === 'customer' && st?.naturalKey ? `100-${st.naturalKey}` : null,
    crmId: st?.crmId ?? null,
    siaghId: st?.siaghId ?? null,
    st,
    episodes,
  };
  if (!st) {
    return {
      ...base,
      state: null,
      waitingFor: null,
      reasonCode: null,
      message: null,
      sourceMessage: null,
      since: null,
      lastAttemptAt: null,
      nextAttemptAt: null,
      attempts: 0,
      queued: 0,
      head: null,
    };
  }
  const ep = st.head ? (episodes.find((e) => e.correlationId === st.head!.correlationId) ?? null) : null;
  const waitingFor = kind === 'quote' ? st.waitingFor : null;
  let state: PendingState;
  let reasonCode: string;
  let message: string;
  let nextAttemptAt: number | null = null;
  if (ep?.lastStatus === 'retrying') {
    state = 'retrying';
    reasonCode = ep.error?.code ?? 'unknown';
    message = ep.error?.message ?? 'failed; the syncer retries it';
  } else if (ep?.error?.code === 'PAUSED') {
    // An operator's pause (syncctl pause): taken up again on resume, not on a timer.
    state = 'paused';
    reasonCode = 'PAUSED';
    message = ep.error.message;
  } else if (waitingFor) {
    state = 'waiting-for-link';
    reasonCode = 'waiting-for-customer-link';
    message = `waits for its customer ${waitingFor} to be linked to Siagh; sent once it is`;
  } else if (st.awaitingUntil !== null) {
    state = 'waiting-for-counterpart';
    reasonCode = 'waiting-for-counterpart';
    const other = st.head?.source === 'crm' ? 'siagh' : st.head?.source === 'siagh' ? 'crm' : null;
    message = `waits for the import event of its ${sideName(other)} counterpart; read instead after the deadline`;
    nextAttemptAt = st.awaitingUntil;
  } else {
    state = 'parked';
    reasonCode = 'unknown';
    message = 'events parked on this entity; no failure of the first one is known';
  }
  return {
    ...base,
    state,
    waitingFor,
    reasonCode,
    message,
    sourceMessage: ep?.lastStatus === 'retrying' ? (ep.error?.sourceMessage ?? null) : null,
    since: ep?.firstAt ?? st.updatedAt,
    lastAttemptAt: ep?.lastAt ?? null,
    nextAttemptAt,
    attempts: ep?.attempts ?? 0,
    queued: st.events - 1,
    head: st.head,
  };
}

export const pendingView: View<PendingDoc> = {
  name: 'pending',
  keys: (e: ProjectorEvent) =>
    e.type === 'outcome'
      ? [e.data.canonicalKey]
      : e.type === 'entity-state'
        ? [e.data?.canonicalKey ?? e.key]
        : [],
  evolve(doc, e, id) {
    const st = doc?.st ?? null;
    const episodes = doc?.episodes ?? [];
    if (e.type === 'entity-state') {
      const next = statePart(e.data);
      // Nothing waits, before or now: no write. Whether a state record is written depends on this
      // stream alone, and a waiting entity's guard holds its latest state record, the one compaction
      // keeps, so a rebuild of a compacted log records the same position.
      if (st === null && next === null) return doc;
      return derive(id, next, episodes);
    }
    if (e.type === 'outcome') {
      const next = foldOutcome(episodes, e.data);
      if (next === episodes) return doc;
      return derive(id, st, next);
    }
    return doc;
  },
  indexes: [{ key: { state: 1, since: 1, _id: 1 } }, { key: { kind: 1, state: 1, since: 1, _id: 1 } }],
};
