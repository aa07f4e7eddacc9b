import { emptyCustomer, type CanonicalCustomer } from '@siaghsync/shared/mapping/canonical';
import { sideChecksum } from '@siaghsync/shared/mapping/sides';
import { loadSyncConfig, type SyncConfig } from '@siaghsync/shared/mapping/syncConfig';
import type { ChangeEvent, WorkEvent } from '@siaghsync/shared/events';
import { decide } from '../src/decide/decide';
import { initialState, type EntityState } from '../src/decide/state';
import type { Decision, Fetched, SideRecord } from '../src/decide/types';

// Given/when/then for the decider: given a state and both sides' records, when an event arrives,
// then these writes, this outcome, these conflicts.

export const config: SyncConfig = loadSyncConfig();
export const KEY = 'customer:1231';

export function customer(overrides: Partial<CanonicalCustomer> = {}): CanonicalCustomer {
  return {
    ...emptyCustomer('person'),
    customerNumber: 1231,
    name: 'علی رضایی',
    firstName: 'علی',
    lastName: 'رضایی',
    mobile: '09121234567',
    email: 'ali@example.com',
    address: 'تهران، خیابان آزادی',
    postalCode: '1234567890',
    description: 'مشتری قدیمی',
    ...overrides,
  };
}

export const crmRec = (record: CanonicalCustomer, time: number | null = 1_000): SideRecord => ({
  id: 'crm-guid-1',
  record,
  time,
  raw: {},
});
export const siaghRec = (record: CanonicalCustomer): SideRecord => ({
  id: '501',
  record,
  time: null,
  raw: {},
});

export function change(source: 'crm' | 'siagh', overrides: Partial<ChangeEvent> = {}): WorkEvent {
  return {
    canonicalKey: KEY,
    kind: 'change',
    routeReason: 'natural-key',
    routedAt: 5_000,
    correlationId: `corr-${source}`,
    change: {
      eventId: `ev-${source}`,
      source,
      entityType: 'customer',
      sourceId: source === 'crm' ? 'crm-guid-1' : '501',
      operation: 'upsert',
      sourceTime: null,
      observedTime: 4_000,
      trigger: source === 'crm' ? 'webhook' : 'poll',
      correlationId: `corr-${source}`,
      naturalKey: '1231',
      checksum: null,
      snapshot: null,
      attributes: {},
      ...overrides,
    },
    resolution: null,
    redriveOf: null,
  };
}

/** The state right after `record` was synced to both sides (what a completed sync leaves). */
export function synced(
  record: CanonicalCustomer,
  times: EntityState['fieldTimes'] = { crm: {}, siagh: {} },
): EntityState {
  const s = initialState(KEY);
  const crm = sideChecksum(record, config, 'crm');
  const siagh = sideChecksum(record, config, 'siagh');
  return {
    ...s,
    version: 3,
    generation: 1,
    kind: record.kind,
    crm: { id: 'crm-guid-1', written: crm, seen: crm, deleted: false },
    siagh: { id: '501', written: siagh, seen: siagh, deleted: false },
    base: record,
    fieldTimes: times,
  };
}

export function when(state: EntityState, event: WorkEvent, fetched: Fetched, now = 10_000): Decision {
  return decide({ state, event, fetched, config, now });
}
