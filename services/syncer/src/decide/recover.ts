import type { CanonicalCustomer } from '@siaghsync/shared/mapping/canonical';
import { sideChecksum } from '@siaghsync/shared/mapping/sides';
import type { MappedField, Side, SyncConfig } from '@siaghsync/shared/mapping/syncConfig';
import type { EntityState } from './state';
import type { Fetched, Write } from './types';

// A write lands in the target before its state is committed. If the syncer dies (or the commit fails) in
// between, the re-run starts from the old base and finds our values in the target: without more, it takes
// them for a person's edit on that side and settles them against the other side as a conflict, where the
// other side's newer edit can lose to the value we had just written. So every write is announced with
// what it sets before it is sent, and a re-run first settles those announced writes against what the
// target now holds.

/** What one write sets, carried in its intent (CreateIntent.write) before the write is sent. */
export interface WriteAhead {
  op: 'create' | 'update';
  side: Side;
  /** The state version the write was decided on. Once a later version is committed the write is settled. */
  stateVersion: number;
  values: Partial<CanonicalCustomer>;
  /** Side checksum of the record the write leaves (our echo, if nobody touched it since). */
  checksum: string;
  /** For a create: the id the target gave the record, announced right after the create returned. */
  createdId?: string | null;
  /** For a create: what a later attempt on the same state version then updated on it (see carryCreate). */
  then?: Partial<CanonicalCustomer>;
}

export function writeAheadOf(write: Write, state: EntityState): WriteAhead | null {
  if (write.op === 'create') {
    return {
      op: 'create',
      side: write.side,
      stateVersion: state.version,
      values: write.record,
      checksum: write.checksum,
    };
  }
  if (write.op !== 'update') return null;
  const values: Partial<Record<MappedField, unknown>> = {};
  for (const f of write.fields) values[f] = write.record[f];
  return {
    op: 'update',
    side: write.side,
    stateVersion: state.version,
    values: values as Partial<CanonicalCustomer>,
    checksum: write.checksum,
  };
}

/**
 * What to announce for `w`, given the writes earlier attempts announced and nobody has committed yet. The
 * intents table keeps one open write per side, so an update announced over an open create replaced it, and
 * the next re-run forgot the create: no link by id, no base, the created record taken for a person's (a
 * later edit overwritten by the value it was created with) or created a second time. The create may be
 * of an earlier version than the update: the state moves on in memory
 * before its commit, and a crash takes it back to the create's version. The update is announced as that
 * create, carrying it; on a re-run only what the target still holds of the update counts as ours.
 */
export function carryCreate(w: WriteAhead, announced: readonly WriteAhead[]): WriteAhead {
  if (w.op !== 'update') return w;
  const created = announced.find(
    (a) => a.op === 'create' && a.side === w.side && a.stateVersion <= w.stateVersion && a.createdId,
  );
  if (!created) return w;
  return { ...created, checksum: w.checksum, then: { ...created.then, ...w.values } };
}

/**
 * Before fetching: a create announced on exactly this state version whose id is known (createdId) did
 * happen, so the re-run continues from the state that create's commit would have left: the record is
 * linked by id (not searched by customer number, which finds nothing once a person deleted it), the
 * base is what was created, and the source side was seen as it was then. A deleted record then takes
 * the delete policy instead of being created again (which would undo the delete).
 */
export function adoptCreated(
  state: EntityState,
  announced: readonly WriteAhead[],
  config: SyncConfig,
): EntityState {
  const created = adoptableCreates(state, announced);
  if (created.length === 0) return state;
  const next: EntityState = { ...state, crm: { ...state.crm }, siagh: { ...state.siagh } };
  for (const w of created) {
    const values = w.values as CanonicalCustomer;
    const source: Side = w.side === 'crm' ? 'siagh' : 'crm';
    next[w.side] = { ...next[w.side], id: w.createdId!, written: w.checksum, deleted: false };
    next[source] = { ...next[source], seen: sideChecksum(values, config, source) };
    next.base = { ...values };
    next.kind = values.kind;
    next.naturalKey = values.customerNumber ?? next.naturalKey;
  }
  return next;
}

/** The announced creates adoptCreated takes over: this state version, id known, side not linked yet. */
export function adoptableCreates(state: EntityState, announced: readonly WriteAhead[]): WriteAhead[] {
  return announced.filter(
    (w) => w.op === 'create' && w.stateVersion === state.version && w.createdId && state[w.side].id === null,
  );
}

/**
 * The state a re-run should decide from, given the writes announced on exactly this state version. A
 * field the target still holds with the value we sent was written by us: both sides held that value when
 * we decided, so it becomes the base. A field holding anything else is left to the merge (the write did
 * not land, or a person changed it since, which the merge sees as their edit).
 */
export function recoverWrites(
  state: EntityState,
  announced: readonly WriteAhead[],
  fetched: Fetched,
  config: SyncConfig,
): EntityState {
  // Creates first: a create sets the base, which the updates (of either side) then refine.
  const mine = announced
    .filter((w) => w.stateVersion === state.version && fetched[w.side] !== null)
    .sort((a, b) => (a.op === b.op ? 0 : a.op === 'create' ? -1 : 1));
  if (mine.length === 0) return state;
  let base: CanonicalCustomer | null = state.base === null ? null : { ...state.base };
  const next: EntityState = { ...state, crm: { ...state.crm }, siagh: { ...state.siagh } };
  for (const w of mine) {
    const now = fetched[w.side]!;
    // A create: the record was created from `values`, whatever differs now was changed there afterwards,
    // except an update a later attempt made on it (`then`), which is ours where the target holds it.
    if (w.op === 'create') base = { ...(w.values as CanonicalCustomer) };
    const updated = w.op === 'create' ? (w.then ?? {}) : w.values;
    if (base !== null) {
      for (const [f, v] of Object.entries(updated) as [MappedField, unknown][]) {
        if (now.record[f] === v) (base as unknown as Record<string, unknown>)[f] = v;
      }
    }
    if (sideChecksum(now.record, config, w.side) === w.checksum) next[w.side].written = w.checksum;
  }
  next.base = base;
  return next;
}

export function parseWriteAhead(json: string | null): WriteAhead | null {
  if (json === null) return null;
  try {
    const w = JSON.parse(json) as WriteAhead;
    return (w.op === 'create' || w.op === 'update') && typeof w.stateVersion === 'number' ? w : null;
  } catch {
    return null;
  }
}
