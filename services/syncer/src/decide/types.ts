import type { CanonicalCustomer } from '@siaghsync/shared/mapping/canonical';
import type { MappedField, Side, SyncConfig } from '@siaghsync/shared/mapping/syncConfig';
import type {
  Conflict,
  Direction,
  FieldChange,
  LinkedValue,
  OutcomeStatus,
  WorkEvent,
} from '@siaghsync/shared/events';
import type { EntityState } from './state';

/** A record as fetched from one side, already mapped to the canonical shape. */
export interface SideRecord {
  id: string;
  record: CanonicalCustomer;
  /** Source modification time (epoch ms) when the system has one (the CRM does, Siagh does not). */
  time: number | null;
  raw: Record<string, unknown>;
  /** When the read that returned it began (epoch ms); see reads/freshness.ts. */
  readAt?: number;
  /**
   * Siagh keeps no modification time: what is known instead, that these fields differ from an earlier
   * read of the record that began at `after` (so they were edited after it). Set by the fetch when it
   * holds that earlier read (the import's snapshot); used by a first link.
   */
  editedAfter?: { after: number; fields: readonly MappedField[] };
}

export interface Fetched {
  crm: SideRecord | null;
  siagh: SideRecord | null;
  /** Customer numbers this fetch searched for on a side and found nothing: a create needs no new search. */
  missing?: { crm?: number; siagh?: number };
}

export type Write =
  | { side: Side; op: 'create'; record: CanonicalCustomer; checksum: string }
  | {
      side: Side;
      op: 'update';
      id: string;
      record: CanonicalCustomer;
      checksum: string;
      fields: MappedField[];
    }
  | { side: Side; op: 'delete'; id: string }
  | { side: 'siagh'; op: 'deactivate'; id: string; record: CanonicalCustomer; checksum: string };

export interface OutcomeDraft {
  status: OutcomeStatus;
  direction: Direction;
  fieldDiff: FieldChange[];
  /** On a pair's first link, what each side held (lineage of values no write has touched). */
  linkedValues?: LinkedValue[];
  note: string | null;
}

export interface DecideInput {
  state: EntityState;
  event: WorkEvent;
  fetched: Fetched;
  config: SyncConfig;
  now: number;
}

export interface Decision {
  writes: Write[];
  /** The state after the writes succeed (the shell fills in created records' ids: applyWriteResults). */
  newState: EntityState;
  outcome: OutcomeDraft;
  conflicts: Omit<Conflict, 'correlationId' | 'entityType'>[];
}

export const other = (side: Side): Side => (side === 'crm' ? 'siagh' : 'crm');
export const directionTo = (target: Side): Direction =>
  target === 'siagh' ? 'crm-to-siagh' : 'siagh-to-crm';
