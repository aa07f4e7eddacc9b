import { transient, type SyncError } from '@siaghsync/shared/errors';
import { canonicalToCrm, crmToCanonical, crmUpdateBody } from '@siaghsync/shared/mapping/crm';
import { sideChecksum } from '@siaghsync/shared/mapping/sides';
import {
  canonicalChecksum,
  type CanonicalCustomer,
  type CustomerKind,
} from '@siaghsync/shared/mapping/canonical';
import {
  SIAGH_CONTACT_TABLE,
  SIAGH_FALSE,
  canonicalToSiaghPairs,
  siaghToCanonical,
  type SiaghContactRecord,
} from '@siaghsync/shared/mapping/siagh';
import type { MappedField, SyncConfig } from '@siaghsync/shared/mapping/syncConfig';
import { findCrmByCustomerNumber, findSiaghByCustomerNumber, type Systems } from './fetch';
import { initialState, type EntityState } from './decide/state';
import type { Fetched, Write } from './decide/types';

export interface WriteResult {
  write: Write;
  /** The id the target holds the record under (new for a create, or found by the lookup). */
  id: string;
  /** A create that found the record already there (our own earlier create, before a crash). */
  foundExisting: boolean;
}

// Step 5: the target calls. Creates are idempotent by a lookup of the natural key first (neither
// system has an idempotency key; Siagh's form makes a second contact if the same create is sent twice).
// The fetch of this very attempt usually made that lookup already (`fetched.missing`): searching again
// a few milliseconds later closes no race the first search left open, so it is not repeated. A re-run
// after a crash or a lost answer fetches again and finds what the earlier attempt created.

export async function performWrite(
  systems: Systems,
  config: SyncConfig,
  write: Write,
  fetched: Fetched,
  state: EntityState,
  /** Told of each read made just before an update (the API reads per event metric). */
  countRead?: (side: 'crm' | 'siagh') => void,
): Promise<WriteResult> {
  switch (write.op) {
    case 'create':
      return write.side === 'siagh'
        ? createInSiagh(systems, config, write, write.record, fetched)
        : createInCrm(systems, config, write, write.record, state, fetched);
    case 'update':
      if (write.side === 'siagh') {
        // Only the fields that changed: the form leaves the others as they are, so an edit made in
        // Siagh between our read and this write to another field is kept. The form has no version
        // either: a value a person saved since our read in a field we write would be overwritten with
        // the other side's, unseen. So the contact is read again just before the write, back to back,
        // and if one of those fields changed since the decision, it is decided again (a retry).
        await systems.siagh.readThenWrite(async () => {
          countRead?.('siagh');
          const [current] = await systems.siagh.findContacts({ Code: Number(write.id) });
          if (current === undefined || siaghChangedSince(current, write.fields, fetched, config)) {
            throw transient(
              'SIAGH_CHANGED_BEFORE_WRITE',
              'the Siagh contact changed between our read and our write; deciding again',
            );
          }
          await decidedAgainIfGone(
            'siagh',
            systems.siagh.saveContactFields(
              canonicalToSiaghPairs(write.record, config, 'update', write.fields),
              Number(write.id),
            ),
          );
        });
      } else {
        // The CRM's update has no version check, so what we send of a property must be what the CRM holds
        // now plus our change: read again just before writing, and if a person changed the record since
        // the decision was made, decide again (a retry) rather than write back what we read before their
        // edit. The read and the write go out back to back, and the write is sent once: retried later it
        // could undo an edit made meanwhile (a failed write is decided again from a new read instead).
        await systems.crm.readThenWrite(async () => {
          countRead?.('crm');
          const current = await systems.crm.getIdentity(write.id, write.record.kind);
          if (current === undefined || changedSince(current, fetched, config)) {
            throw transient(
              'CRM_CHANGED_BEFORE_WRITE',
              'the CRM record changed between our read and our write; deciding again',
            );
          }
          const raw = current.record as Record<string, unknown>;
          const body = crmUpdateBody(write.record, config, raw, write.fields, systems.crm.updateMode);
          if (Object.keys(body).length > 0)
            await decidedAgainIfGone(
              'crm',
              systems.crm.update(write.record.kind, write.id, body, { once: true }),
            );
        });
      }
      return { write, id: write.id, foundExisting: false };
    case 'deactivate':
      await decidedAgainIfGone(
        'siagh',
        systems.siagh.saveContactFields([[`${SIAGH_CONTACT_TABLE}.isactive`, SIAGH_FALSE]], Number(write.id)),
      );
      return { write, id: write.id, foundExisting: false };
    case 'delete':
      await systems.crm.delete(state.kind ?? 'person', write.id);
      return { write, id: write.id, foundExisting: false };
  }
}

/**
 * A record a person deleted after our read (on the CRM, even after the read just before the write):
 * decided again from a new read, which sees the delete and applies the delete policy (a dead letter
 * would record a failure that was none and leave the delete to the next poll).
 */
async function decidedAgainIfGone(side: 'crm' | 'siagh', save: Promise<unknown>): Promise<void> {
  try {
    await save;
  } catch (err) {
    if ((err as SyncError).code !== (side === 'crm' ? 'CRM_NOT_FOUND' : 'SIAGH_NOT_FOUND')) throw err;
    throw transient(
      side === 'crm' ? 'CRM_CHANGED_BEFORE_WRITE' : 'SIAGH_CHANGED_BEFORE_WRITE',
      `the ${side === 'crm' ? 'CRM record' : 'Siagh contact'} was deleted between our read and our write; deciding again`,
      { cause: err },
    );
  }
}

async function createInSiagh(
  systems: Systems,
  config: SyncConfig,
  write: Write,
  record: CanonicalCustomer,
  fetched: Fetched,
): Promise<WriteResult> {
  if (record.customerNumber !== null && fetched.missing?.siagh !== record.customerNumber) {
    const existing = await findSiaghByCustomerNumber(systems, config, record.customerNumber);
    if (existing) {
      await systems.siagh.saveContact(record, config, Number(existing.id));
      return { write, id: existing.id, foundExisting: true };
    }
  }
  const code = await systems.siagh.saveContact(record, config);
  return { write, id: String(code), foundExisting: false };
}

async function createInCrm(
  systems: Systems,
  config: SyncConfig,
  write: Write,
  record: CanonicalCustomer,
  state: EntityState,
  fetched: Fetched,
): Promise<WriteResult> {
  if (record.customerNumber !== null && fetched.missing?.crm !== record.customerNumber) {
    const customerNumber = record.customerNumber;
    // Found: an update built from the record just read, so sent like one (see the update case above).
    const found = await systems.crm.readThenWrite(async () => {
      const existing = await findCrmByCustomerNumber(
        systems,
        config,
        customerNumber,
        state ?? initialState(''),
      );
      if (!existing) return undefined;
      const body = crmUpdateBody(record, config, existing.raw, 'all', systems.crm.updateMode);
      await decidedAgainIfGone('crm', systems.crm.update(record.kind, existing.id, body, { once: true }));
      return existing.id;
    });
    if (found !== undefined) return { write, id: found, foundExisting: true };
  }
  const id = await systems.crm.create(record.kind, canonicalToCrm(record, config));
  return { write, id, foundExisting: false };
}

function changedSince(
  current: { record: unknown; kind: CustomerKind },
  fetched: Fetched,
  config: SyncConfig,
): boolean {
  if (fetched.crm === null) return false;
  const now = crmToCanonical(current.record as Record<string, unknown>, current.kind, config);
  return sideChecksum(now, config, 'crm') !== sideChecksum(fetched.crm.record, config, 'crm');
}

/** Whether a field about to be written holds in Siagh now another value than the decision saw. */
function siaghChangedSince(
  current: SiaghContactRecord,
  fields: readonly MappedField[],
  fetched: Fetched,
  config: SyncConfig,
): boolean {
  if (fetched.siagh === null) return false;
  const now = siaghToCanonical(current, config);
  return canonicalChecksum(now, fields) !== canonicalChecksum(fetched.siagh.record, fields);
}

/** The state once the writes are done: ids of created records become the entity's links. */
export function applyWriteResults(state: EntityState, results: WriteResult[]): EntityState {
  const next = { ...state, crm: { ...state.crm }, siagh: { ...state.siagh } };
  for (const r of results) next[r.write.side].id = r.id;
  return next;
}
