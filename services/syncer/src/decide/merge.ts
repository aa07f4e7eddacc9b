import type { CanonicalCustomer } from '@siaghsync/shared/mapping/canonical';
import {
  MAPPED_FIELDS,
  flowsTo,
  type MappedField,
  type Side,
  type SyncConfig,
} from '@siaghsync/shared/mapping/syncConfig';
import { settle } from './policy';

// Three-way merge, field by field, against the last synced record. Only fields a side carries are
// compared on that side; a value that did not change since the base never overwrites one that did.

export interface FieldDecision {
  field: MappedField;
  /** The value both sides should hold after this sync (the new base value). */
  value: unknown;
  /** Sides that must be written to reach `value`. */
  writeTo: Side[];
  reason: string;
}

export interface FieldConflict {
  field: MappedField;
  crmValue: unknown;
  siaghValue: unknown;
  baseValue: unknown;
  crmTime: number | undefined;
  siaghTime: number | undefined;
  policy: string;
  /** null: parked for a person (manual policy). */
  winner: Side | null;
  reason: string;
}

export interface MergeResult {
  merged: CanonicalCustomer;
  decisions: FieldDecision[];
  conflicts: FieldConflict[];
  /** Fields whose current value on a side differs from the base (changed there since the last sync). */
  changed: Record<Side, MappedField[]>;
}

const eq = (a: unknown, b: unknown) => a === b || (a == null && b == null);

export function threeWayMerge(
  base: CanonicalCustomer | null,
  crm: CanonicalCustomer,
  siagh: CanonicalCustomer,
  config: SyncConfig,
  times: Record<Side, Partial<Record<MappedField, number>>>,
  parked: ReadonlySet<MappedField> = new Set(),
): MergeResult {
  const merged: CanonicalCustomer = { ...(base ?? crm) };
  merged.customerNumber = crm.customerNumber ?? siagh.customerNumber;
  merged.kind = crm.kind;
  const decisions: FieldDecision[] = [];
  const conflicts: FieldConflict[] = [];
  const changed: Record<Side, MappedField[]> = { crm: [], siagh: [] };

  for (const field of MAPPED_FIELDS) {
    const rule = config.fields[field];
    const onCrm = rule.crm !== null;
    const onSiagh = rule.siagh !== null;
    const c = crm[field];
    const s = siagh[field];
    if (!onCrm && !onSiagh) continue;
    if (!onSiagh) {
      (merged as unknown as Record<string, unknown>)[field] = c;
      continue;
    }
    if (!onCrm) {
      (merged as unknown as Record<string, unknown>)[field] = s;
      continue;
    }
    const b = base?.[field];
    const changedC = base === null ? !eq(c, s) : !eq(c, b);
    const changedS = base === null ? !eq(c, s) : !eq(s, b);
    if (changedC && base !== null) changed.crm.push(field);
    if (changedS && base !== null) changed.siagh.push(field);
    const set = (value: unknown) => ((merged as unknown as Record<string, unknown>)[field] = value);

    if (eq(c, s)) {
      set(c);
      continue;
    }
    // A parked (manual) conflict holds the field until a person decides; nothing flows meanwhile.
    if (parked.has(field)) {
      set(b ?? c);
      continue;
    }
    const toSiagh = flowsTo(rule, 'siagh');
    const toCrm = flowsTo(rule, 'crm');
    if (base !== null && changedC && !changedS) {
      set(toSiagh ? c : b);
      if (toSiagh) decisions.push({ field, value: c, writeTo: ['siagh'], reason: 'changed-on-crm' });
      continue;
    }
    if (base !== null && changedS && !changedC) {
      set(toCrm ? s : b);
      if (toCrm) decisions.push({ field, value: s, writeTo: ['crm'], reason: 'changed-on-siagh' });
      continue;
    }
    // Changed on both sides (or no base: an initial link of two records that disagree).
    if (!toSiagh && !toCrm) {
      set(b ?? c);
      continue;
    }
    const crmTime = times.crm[field];
    const siaghTime = times.siagh[field];
    let outcome = settle(rule.policy, { crm: crmTime, siagh: siaghTime });
    // A direction restriction decides before any policy: the value can only flow one way.
    if (!toSiagh) outcome = { winner: 'siagh', reason: 'direction' };
    if (!toCrm) outcome = { winner: 'crm', reason: 'direction' };
    const conflict: FieldConflict = {
      field,
      crmValue: c,
      siaghValue: s,
      baseValue: b ?? null,
      crmTime,
      siaghTime,
      policy: rule.policy.kind,
      winner: outcome.winner,
      reason: outcome.reason,
    };
    conflicts.push(conflict);
    if (outcome.winner === null) {
      set(b ?? c);
      continue;
    }
    const value = outcome.winner === 'crm' ? c : s;
    set(value);
    decisions.push({
      field,
      value,
      writeTo: [outcome.winner === 'crm' ? 'siagh' : 'crm'],
      reason: outcome.reason,
    });
  }
  return { merged, decisions, conflicts, changed };
}
