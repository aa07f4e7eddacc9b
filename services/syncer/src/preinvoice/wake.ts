import type { WorkEvent } from '@siaghsync/shared/events';
import type { EntityState } from '../decide/state';
import type { CustomerLookups } from './fetch';
import { customerSourceKey } from './state';

// Waking the quotes that wait for their customer's link.
//
// A waiting quote is parked on its entity (state.pending, `preInvoice.waitingFor` = the customer's
// `crm:<identityId>`). This index (customer → waiting pre-invoices) is fed from the entity-state
// changelog, i.e. from COMMITTED states only, which every syncer instance tails whole: it is rebuilt by
// the restore itself, and it sees a customer linked by any instance, whichever partition either is on.
// When a customer state with a Siagh id is committed, each pre-invoice waiting on it gets a retry
// marker on `work` (kind 'redrive', redriveOf 'retry'), processed in order with its other events.
// A waiting state committed after its customer was already linked (the two raced) is woken at once.
// Every instance sends: a duplicate marker finds nothing parked and does nothing. At most one marker
// per state version per instance, so a quote that must go on waiting is not woken in a loop.

export interface WakerDeps extends CustomerLookups {
  wake(canonicalKey: string, correlationId: string): void;
}

export class PreInvoiceWaker {
  private readonly waiters = new Map<string, Set<string>>();
  private readonly waitingOn = new Map<string, string>();
  private readonly woken = new Map<string, number>();

  constructor(private readonly d: WakerDeps) {}

  observe(state: EntityState): void {
    if (state.entityType === 'preinvoice') this.observeWaiting(state);
    else if (state.crm.id !== null && state.siagh.id !== null && !state.siagh.deleted) {
      for (const key of [...(this.waiters.get(customerSourceKey(state.crm.id)) ?? [])]) {
        const waiting = this.d.stateOf(key);
        if (waiting) this.wake(waiting);
      }
    }
  }

  /** Pre-invoice keys waiting for the customer `crm:<identityId>` (for tests and metrics). */
  waitingFor(customerKey: string): string[] {
    return [...(this.waiters.get(customerKey) ?? [])];
  }

  private observeWaiting(state: EntityState): void {
    const key = state.canonicalKey;
    const customer = state.pending.length > 0 ? (state.preInvoice?.waitingFor ?? null) : null;
    const before = this.waitingOn.get(key);
    if (before !== undefined && before !== customer) {
      this.waiters.get(before)?.delete(key);
      if (this.waiters.get(before)?.size === 0) this.waiters.delete(before);
      this.waitingOn.delete(key);
    }
    if (customer === null) {
      this.woken.delete(key);
      return;
    }
    this.waitingOn.set(key, customer);
    this.waiters.set(customer, (this.waiters.get(customer) ?? new Set()).add(key));
    if (this.isLinked(customer)) this.wake(state);
  }

  private isLinked(customerKey: string): boolean {
    const canonical = this.d.linkOf(customerKey);
    const s = canonical === undefined ? undefined : this.d.stateOf(canonical);
    return !!s && s.siagh.id !== null && !s.siagh.deleted;
  }

  private wake(state: EntityState): void {
    if (state.pending.length === 0 || this.woken.get(state.canonicalKey) === state.version) return;
    this.woken.set(state.canonicalKey, state.version);
    this.d.wake(state.canonicalKey, state.pending[0]!.correlationId);
  }
}

/** The marker that re-runs an entity's parked events, in order with its other events. */
export const retryMarker = (canonicalKey: string, correlationId: string, now: number): WorkEvent => ({
  canonicalKey,
  kind: 'redrive',
  routeReason: 'direct',
  routedAt: now,
  correlationId,
  change: null,
  resolution: null,
  redriveOf: 'retry',
});
