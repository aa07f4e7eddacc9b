import { sideChecksum } from '@siaghsync/shared/mapping/sides';
import type { MappedField } from '@siaghsync/shared/mapping/syncConfig';
import type { FieldChange } from '@siaghsync/shared/events';
import { parseResolution, parseResolutionValue } from '@siaghsync/shared/operator/resolution';
import type { Decision, DecideInput, Write } from './types';

/**
 * An operator's decision on a parked conflict, applied in order with the entity's other events: the
 * chosen value is written to each side that does not hold it and becomes the new base.
 */
export function decideResolution(input: DecideInput): Decision {
  const { state, event, fetched, config, now } = input;
  // Malformed JSON or a value the field cannot hold throws a permanent error: the event is dead-lettered.
  const res = parseResolution(event.resolution);
  const open = state.openConflicts.find((c) => c.conflictId === res.conflictId);
  const newState = { ...state, version: state.version + 1, updatedAt: now };
  if (!open) {
    return {
      writes: [],
      newState,
      outcome: {
        status: 'skipped-unchanged',
        direction: 'none',
        fieldDiff: [],
        note: `conflict ${res.conflictId} is not open`,
      },
      conflicts: [],
    };
  }
  newState.openConflicts = state.openConflicts.filter((c) => c.conflictId !== res.conflictId);
  const writes: Write[] = [];
  const fieldDiff: FieldChange[] = [];
  let resolved: unknown;
  if (open.field !== 'record') {
    const field: MappedField = open.field;
    resolved =
      res.choice === 'value'
        ? parseResolutionValue(field, res.value)
        : (fetched[res.choice]?.record[field] ?? (res.choice === 'crm' ? open.crmValue : open.siaghValue));
    for (const side of ['crm', 'siagh'] as const) {
      const rec = fetched[side];
      if (!rec || config.fields[field][side] === null || rec.record[field] === resolved) continue;
      const desired = { ...rec.record, [field]: resolved };
      const checksum = sideChecksum(desired, config, side);
      writes.push({ side, op: 'update', id: rec.id, record: desired, checksum, fields: [field] });
      newState[side] = { ...newState[side], written: checksum };
      fieldDiff.push({
        field,
        side,
        before: JSON.stringify(rec.record[field]),
        after: JSON.stringify(resolved),
        reason: 'conflict-manual-resolved',
      });
    }
    if (newState.base) newState.base = { ...newState.base, [field]: resolved };
  } else {
    // Refused here too (resolutionValueProblem): a value cannot say which side's record stays.
    if (res.choice === 'value') parseResolutionValue(open.field, res.value);
    // delete-vs-edit: "crm"/"siagh" keeps that side's state of the record; the link stays as it is.
    resolved = res.choice;
  }
  const written = [...new Set(writes.map((w) => w.side))];
  return {
    writes,
    newState,
    outcome: {
      status: 'resolved',
      direction: written.length === 1 ? (written[0] === 'siagh' ? 'crm-to-siagh' : 'siagh-to-crm') : 'none',
      fieldDiff,
      note: `resolved by ${res.resolvedBy}: ${res.choice}`,
    },
    conflicts: [
      {
        conflictId: open.conflictId,
        canonicalKey: state.canonicalKey,
        field: open.field,
        crmValue: JSON.stringify(open.crmValue),
        siaghValue: JSON.stringify(open.siaghValue),
        baseValue: JSON.stringify(open.baseValue),
        crmTime: null,
        siaghTime: null,
        policy: open.policy,
        status: 'resolved',
        winner: res.choice === 'value' ? null : res.choice,
        resolvedValue: JSON.stringify(resolved),
        resolvedBy: res.resolvedBy,
        detectedAt: open.detectedAt,
        resolvedAt: res.resolvedAt,
      },
    ],
  };
}
