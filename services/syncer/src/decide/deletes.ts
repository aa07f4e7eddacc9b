import { sideChecksum } from '@siaghsync/shared/mapping/sides';
import type { Side } from '@siaghsync/shared/mapping/syncConfig';
import type { EntityState } from './state';
import { directionTo, other, type Decision, type DecideInput, type SideRecord } from './types';

/**
 * `deleted` was linked and is gone. Per direction: propagate, deactivate (Siagh IsActive=false) or
 * ignore. Siagh has no delete in its API (APIS.md), so "propagate" towards Siagh deactivates.
 * A delete racing an edit of the counterpart is a conflict for a person, never a silent loss.
 */
export function decideDelete(input: DecideInput, deleted: Side, present: SideRecord): Decision {
  const { state, config, now, event } = input;
  const target = other(deleted);
  const newState: EntityState = { ...state, version: state.version + 1, updatedAt: now };
  const presentChecksum = sideChecksum(present.record, config, target);
  newState[target] = { ...state[target], id: present.id, seen: presentChecksum };

  if (state[deleted].deleted) {
    return {
      writes: [],
      newState,
      outcome: {
        status: 'skipped-echo',
        direction: 'none',
        fieldDiff: [],
        note: `already deleted on ${deleted}`,
      },
      conflicts: [],
    };
  }
  newState[deleted] = { ...state[deleted], deleted: true };
  const policy = deleted === 'crm' ? config.deletes.crmToSiagh : config.deletes.siaghToCrm;

  // Edited on the other side since the last sync (and not by us)?
  const editedThere = state[target].written !== presentChecksum && state[target].seen !== presentChecksum;
  if (editedThere && policy !== 'ignore') {
    const conflictId = `${state.canonicalKey}:record:${event.correlationId}`;
    newState.openConflicts = [
      ...state.openConflicts.filter((c) => c.field !== 'record'),
      {
        conflictId,
        field: 'record',
        crmValue: deleted === 'crm' ? null : present.record,
        siaghValue: deleted === 'siagh' ? null : present.record,
        baseValue: state.base,
        policy: 'delete-vs-edit',
        detectedAt: now,
      },
    ];
    return {
      writes: [],
      newState,
      outcome: {
        status: 'conflict',
        direction: 'none',
        fieldDiff: [],
        note: `deleted on ${deleted} while edited on ${target}: kept for a person to decide`,
      },
      conflicts: [
        {
          conflictId,
          canonicalKey: state.canonicalKey,
          field: 'record',
          crmValue: JSON.stringify(deleted === 'crm' ? null : present.record),
          siaghValue: JSON.stringify(deleted === 'siagh' ? null : present.record),
          baseValue: JSON.stringify(state.base),
          crmTime: null,
          siaghTime: null,
          policy: 'delete-vs-edit',
          status: 'open',
          winner: null,
          resolvedValue: null,
          resolvedBy: null,
          detectedAt: now,
          resolvedAt: null,
        },
      ],
    };
  }

  if (policy === 'ignore') {
    return {
      writes: [],
      newState,
      outcome: {
        status: 'deleted',
        direction: 'none',
        fieldDiff: [],
        note: `deleted on ${deleted}; policy ignore`,
      },
      conflicts: [],
    };
  }
  if (target === 'siagh') {
    if (!present.record.active) {
      return {
        writes: [],
        newState,
        outcome: { status: 'skipped-unchanged', direction: 'none', fieldDiff: [], note: 'already inactive' },
        conflicts: [],
      };
    }
    const record = { ...present.record, active: false };
    const checksum = sideChecksum(record, config, 'siagh');
    newState.siagh = { ...newState.siagh, written: checksum };
    newState.base = state.base ? { ...state.base, active: false } : record;
    return {
      writes: [{ side: 'siagh', op: 'deactivate', id: present.id, record, checksum }],
      newState,
      outcome: {
        status: 'deleted',
        direction: directionTo('siagh'),
        fieldDiff: [
          { field: 'active', side: 'siagh', before: 'true', after: 'false', reason: 'deleted-on-crm' },
        ],
        note: `deleted on crm; policy ${policy}: deactivated in Siagh`,
      },
      conflicts: [],
    };
  }
  newState.crm = { ...newState.crm, deleted: true };
  return {
    writes: [{ side: 'crm', op: 'delete', id: present.id }],
    newState,
    outcome: {
      status: 'deleted',
      direction: directionTo('crm'),
      fieldDiff: [],
      note: 'deleted on siagh; propagated',
    },
    conflicts: [],
  };
}
