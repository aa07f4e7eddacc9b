import type { CanonicalCustomer } from '@siaghsync/shared/mapping/canonical';
import { sideChecksum } from '@siaghsync/shared/mapping/sides';
import {
  MAPPED_FIELDS,
  type MappedField,
  type Side,
  type SyncConfig,
} from '@siaghsync/shared/mapping/syncConfig';
import type { FieldChange, LinkedValue } from '@siaghsync/shared/events';
import { decideDelete } from './deletes';
import { isEcho } from './echo';
import { threeWayMerge, type FieldConflict } from './merge';
import { decideResolution } from './resolution';
import type { EntityState } from './state';
import {
  directionTo,
  other,
  type Decision,
  type DecideInput,
  type OutcomeDraft,
  type SideRecord,
  type Write,
} from './types';

/**
 * The syncer's decision for one event: given the entity's state and both sides' CURRENT records
 * (fetched, so thin, stale, duplicated or reordered events all converge), what to write, what the
 * state becomes, and what to record. Pure: no I/O, no clock (`now` is an input).
 */
export function decide(input: DecideInput): Decision {
  const { event, state, fetched } = input;
  if (event.kind === 'resolution') return decideResolution(input);
  const source: Side = event.change?.source ?? 'crm';
  const crm = fetched.crm;
  const siagh = fetched.siagh;

  if (crm === null || siagh === null) {
    const present = crm ?? siagh;
    const missing: Side = crm === null ? 'crm' : 'siagh';
    if (present === null) return nothingExists(input);
    const presentSide = other(missing);
    // A side that was linked and is now gone was deleted there; one never linked needs a create...
    if (state[missing].id !== null || state[missing].deleted) return decideDelete(input, missing, present);
    // ...unless this very event names the missing record: it existed and is gone, deleted before we
    // linked it (or after our crashed attempt created its counterpart). Creating it again there would
    // undo that delete, so the delete policy decides instead.
    if (source === missing && event.change?.sourceId) return decideDelete(input, missing, present);
    return decideCreate(input, presentSide, present);
  }
  return decideBoth(input, source, crm, siagh);
}

function stamp(state: EntityState, now: number): EntityState {
  return { ...state, version: state.version + 1, updatedAt: now };
}

function nothingExists({ state, now }: DecideInput): Decision {
  return {
    writes: [],
    newState: stamp(state, now),
    outcome: {
      status: 'skipped-unchanged',
      direction: 'none',
      fieldDiff: [],
      note: 'record exists on neither side',
    },
    conflicts: [],
  };
}

function decideCreate(input: DecideInput, from: Side, present: SideRecord): Decision {
  const { state, config, now } = input;
  const target = other(from);
  const record: CanonicalCustomer = { ...present.record };
  if (target === 'siagh' && !record.active) {
    return {
      writes: [],
      newState: stamp(withSeen(state, from, present, config), now),
      outcome: {
        status: 'skipped-unchanged',
        direction: 'none',
        fieldDiff: [],
        note: 'inactive record is not created',
      },
      conflicts: [],
    };
  }
  const checksum = sideChecksum(record, config, target);
  const newState = stamp(withSeen(state, from, present, config), now);
  newState.kind = record.kind;
  newState.naturalKey = record.customerNumber ?? state.naturalKey;
  newState.base = record;
  newState[from] = { ...newState[from], id: present.id, deleted: false };
  newState[target] = { ...newState[target], written: checksum, deleted: false };
  const fieldDiff: FieldChange[] = MAPPED_FIELDS.filter((f) => config.fields[f][target] !== null).map(
    (f) => ({
      field: f,
      side: target,
      before: null,
      after: JSON.stringify(record[f]),
      reason: 'create',
    }),
  );
  return {
    writes: [{ side: target, op: 'create', record, checksum }],
    newState,
    outcome: { status: 'created', direction: directionTo(target), fieldDiff, note: null },
    conflicts: [],
  };
}

function withSeen(state: EntityState, side: Side, rec: SideRecord, config: SyncConfig): EntityState {
  return { ...state, [side]: { ...state[side], id: rec.id, seen: sideChecksum(rec.record, config, side) } };
}

/** Per-field source times of what changed on each side since the base, for last-write-wins. */
function updateTimes(input: DecideInput, crm: SideRecord, siagh: SideRecord): EntityState['fieldTimes'] {
  const { state, event, config, now } = input;
  const times = { crm: { ...state.fieldTimes.crm }, siagh: { ...state.fieldTimes.siagh } };
  const base = state.base;
  if (base === null) return firstLinkTimes(input, crm, siagh);
  const sideTime = (side: Side, rec: SideRecord): number => {
    if (rec.time !== null) return rec.time;
    // Siagh keeps no modification time: the poller's observation is the best we know.
    if (event.change?.source === side) return event.change.sourceTime ?? event.change.observedTime;
    return now;
  };
  for (const [side, rec] of [
    ['crm', crm],
    ['siagh', siagh],
  ] as const) {
    const changedSinceSeen = sideChecksum(rec.record, config, side) !== state[side].seen;
    for (const f of MAPPED_FIELDS) {
      if (config.fields[f][side] === null) continue;
      if (rec.record[f] !== base[f] && (changedSinceSeen || times[side][f] === undefined)) {
        times[side][f] = sideTime(side, rec);
      }
    }
  }
  return times;
}

/**
 * A first link has no base: every field the two records disagree on is a conflict, settled by what is
 * known of when each side last changed it. The CRM's modification time; for Siagh, which keeps none,
 * a lower bound of the edit for the fields it changed: the poller's word that a record it had seen
 * changed after its last complete sweep's read began (`changedAfter`, `changedFields`), or the fetch's,
 * that the record differs from the import's snapshot of it (`editedAfter`). A field with no evidence
 * from a side gets no time there, and the policy's tie-break decides.
 */
function firstLinkTimes(input: DecideInput, crm: SideRecord, siagh: SideRecord): EntityState['fieldTimes'] {
  const c = input.event.change;
  const times: EntityState['fieldTimes'] = { crm: {}, siagh: {} };
  const edited = new Map<string, number>();
  const after = Number(c?.attributes.changedAfter);
  if (c?.source === 'siagh' && Number.isFinite(after) && after > 0)
    for (const f of (c.attributes.changedFields ?? '').split(',')) edited.set(f, after);
  for (const f of siagh.editedAfter?.fields ?? [])
    edited.set(f, Math.max(edited.get(f) ?? 0, siagh.editedAfter!.after));
  for (const f of MAPPED_FIELDS) {
    if (crm.record[f] === siagh.record[f]) continue;
    if (crm.time !== null && input.config.fields[f].crm !== null) times.crm[f] = crm.time;
    const at = edited.get(f);
    if (at !== undefined && input.config.fields[f].siagh !== null) times.siagh[f] = at;
  }
  return times;
}

function decideBoth(input: DecideInput, source: Side, crm: SideRecord, siagh: SideRecord): Decision {
  const { state, config, now } = input;
  const fieldTimes = updateTimes(input, crm, siagh);
  const parked = new Set(
    state.openConflicts.map((c) => c.field).filter((f): f is MappedField => f !== 'record'),
  );
  const merge = threeWayMerge(state.base, crm.record, siagh.record, config, fieldTimes, parked);

  const writes: Write[] = [];
  const fieldDiff: FieldChange[] = [];
  const newState = stamp(state, now);
  // A first link's times are evidence for that merge only: kept, they would judge a later edit by a
  // modification time older than it (the later merge takes each side's time from its own changes).
  newState.fieldTimes = state.base === null ? state.fieldTimes : fieldTimes;
  newState.kind = crm.record.kind;
  newState.naturalKey = crm.record.customerNumber ?? siagh.record.customerNumber ?? state.naturalKey;
  const firstLink = state.crm.id !== crm.id || state.siagh.id !== siagh.id;
  for (const [side, rec] of [
    ['crm', crm],
    ['siagh', siagh],
  ] as const) {
    newState[side] = {
      ...state[side],
      id: rec.id,
      deleted: false,
      seen: sideChecksum(rec.record, config, side),
    };
    const mine = merge.decisions.filter((d) => d.writeTo.includes(side));
    if (mine.length === 0) continue;
    const desired: CanonicalCustomer = { ...rec.record };
    for (const d of mine) (desired as unknown as Record<string, unknown>)[d.field] = d.value;
    const checksum = sideChecksum(desired, config, side);
    writes.push({
      side,
      op: 'update',
      id: rec.id,
      record: desired,
      checksum,
      fields: mine.map((d) => d.field),
    });
    newState[side].written = checksum;
    for (const d of mine) {
      fieldDiff.push({
        field: d.field,
        side,
        before: JSON.stringify(rec.record[d.field]),
        after: JSON.stringify(d.value),
        reason: d.reason,
      });
    }
  }
  newState.base = merge.merged;
  const { conflicts, open } = conflictEvents(state, merge.conflicts, input);
  newState.openConflicts = [...state.openConflicts, ...open];

  let status: Decision['outcome']['status'];
  if (writes.length > 0) status = 'synced';
  else if (open.length > 0) status = 'conflict';
  else if (firstLink) status = 'linked';
  else if (isEcho(state[source], sideChecksum((source === 'crm' ? crm : siagh).record, config, source)))
    status = 'skipped-echo';
  else status = 'skipped-unchanged';
  const written = [...new Set(writes.map((w) => w.side))];
  const direction =
    written.length === 1
      ? directionTo(written[0]!)
      : written.length === 2
        ? directionTo(other(source))
        : 'none';
  const outcome: OutcomeDraft = { status, direction, fieldDiff, note: null };
  if (firstLink) outcome.linkedValues = linkedValues(crm, siagh, config);
  return { writes, newState, outcome, conflicts };
}

/** Each mapped field's value on each side as the link found it, before any write. */
function linkedValues(crm: SideRecord, siagh: SideRecord, config: SyncConfig): LinkedValue[] {
  return (['crm', 'siagh'] as const).flatMap((side) =>
    MAPPED_FIELDS.filter((f) => config.fields[f][side] !== null).map((field) => ({
      field,
      side,
      value: JSON.stringify((side === 'crm' ? crm : siagh).record[field] ?? null),
    })),
  );
}

/** Conflict events: every automatic settlement is recorded; a manual one only when it first opens. */
function conflictEvents(state: EntityState, found: FieldConflict[], { event, now }: DecideInput) {
  const conflicts: Decision['conflicts'] = [];
  const open: EntityState['openConflicts'] = [];
  for (const c of found) {
    const already = state.openConflicts.find((o) => o.field === c.field);
    if (c.winner === null && already) continue;
    const conflictId = `${state.canonicalKey}:${c.field}:${event.correlationId}`;
    const value = c.winner === null ? null : JSON.stringify(c.winner === 'crm' ? c.crmValue : c.siaghValue);
    conflicts.push({
      conflictId,
      canonicalKey: state.canonicalKey,
      field: c.field,
      crmValue: JSON.stringify(c.crmValue),
      siaghValue: JSON.stringify(c.siaghValue),
      baseValue: JSON.stringify(c.baseValue),
      crmTime: c.crmTime ?? null,
      siaghTime: c.siaghTime ?? null,
      policy: c.policy,
      status: c.winner === null ? 'open' : 'auto-resolved',
      winner: c.winner,
      resolvedValue: value,
      resolvedBy: c.winner === null ? null : `policy:${c.reason}`,
      detectedAt: now,
      resolvedAt: c.winner === null ? null : now,
    });
    if (c.winner === null) {
      open.push({
        conflictId,
        field: c.field,
        crmValue: c.crmValue,
        siaghValue: c.siaghValue,
        baseValue: c.baseValue,
        policy: c.policy,
        detectedAt: now,
      });
    }
  }
  return { conflicts, open };
}
