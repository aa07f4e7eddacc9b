// Which canonical fields each system carries, per the config. Checksums of one side's record only look
// at those fields: the echo of our own write to Siagh must hash equal to what we wrote, although Siagh
// has no first name, economic code, ...

import { canonicalChecksum, type CanonicalCustomer, type CanonicalField } from './canonical';
import { MAPPED_FIELDS, flowsTo, type FieldRule, type Side, type SyncConfig } from './syncConfig';

/** customerNumber and kind (always carried) plus every mapped field with a path on `side`. */
export function sideFields(config: SyncConfig, side: Side): CanonicalField[] {
  return ['customerNumber', 'kind', ...MAPPED_FIELDS.filter((f) => config.fields[f][side] !== null)];
}

/** canonicalChecksum over the fields `side` carries. */
export function sideChecksum(record: CanonicalCustomer, config: SyncConfig, side: Side): string {
  return canonicalChecksum(record, sideFields(config, side));
}

/**
 * The rules to WRITE to `target`. A create fills every field the target carries (a new record should be
 * complete); an update only touches fields whose direction flows to the target.
 */
export function writableRules(config: SyncConfig, target: Side, mode: 'create' | 'update'): FieldRule[] {
  return MAPPED_FIELDS.map((f) => config.fields[f]).filter(
    (rule) => rule[target] !== null && (mode === 'create' || flowsTo(rule, target)),
  );
}
