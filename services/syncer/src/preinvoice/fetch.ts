import type { SyncError } from '@siaghsync/shared/errors';
import type { CrmQuoteRecord } from '@siaghsync/shared/crm/schemas';
import type { SyncConfig } from '@siaghsync/shared/mapping/syncConfig';
import type { SiaghPreInvoice } from '@siaghsync/shared/siagh/schemas';
import type { WorkEvent } from '@siaghsync/shared/events';
import type { EntityState } from '../decide/state';
import type { Systems } from '../fetch';
import { jalaliSession } from './calendar';
import { contentChecksum, customerSourceKey } from './state';
import type { CustomerLink, PreInvoiceFetched } from './types';

/** Where the quote's customer link is looked up: the id index and the customer entities' state. */
export interface CustomerLookups {
  linkOf(sourceKey: string): string | undefined;
  stateOf(canonicalKey: string): EntityState | undefined;
}

// Step 1 for pre-invoices: the quote as the CRM holds it now, its customer's link, and (only when a
// document is to be saved) Siagh's session and the current document. Reads only; decide.ts decides.

export async function fetchPreInvoice(
  systems: Systems,
  config: SyncConfig,
  lookups: CustomerLookups,
  state: EntityState,
  event: WorkEvent,
): Promise<PreInvoiceFetched> {
  const quoteId = state.crm.id ?? (event.change?.source === 'crm' ? event.change.sourceId : null);
  const none: PreInvoiceFetched = { quote: null, customer: null, session: null, document: null };
  if (quoteId === null || event.kind === 'resolution') return none;
  const quote = await getQuote(systems, quoteId);
  if (quote === null) return none;
  let unchanged = false;
  try {
    unchanged = state.siagh.id !== null && contentChecksum(quote, config) === state.preInvoice?.sent;
  } catch {
    // An unmappable quote: decide raises the mapping's own error.
  }
  if (unchanged) return { ...none, quote };
  const customer = await customerOf(systems, lookups, quote.identityId);
  if (customer.status !== 'linked') return { ...none, quote, customer };
  const [session, document] = await Promise.all([
    systems.siagh.getSession().then(jalaliSession),
    state.siagh.id === null ? Promise.resolve(null) : findDocument(systems, Number(state.siagh.id)),
  ]);
  return { quote, customer, session, document };
}

async function getQuote(systems: Systems, id: string): Promise<CrmQuoteRecord | null> {
  try {
    return await systems.crm.getQuote(id);
  } catch (e) {
    if ((e as SyncError).code === 'CRM_NOT_FOUND') return null;
    throw e;
  }
}

/** Linked = the customer entity's state names a Siagh contact. Otherwise: does the CRM still have it? */
export async function customerOf(
  systems: Systems,
  lookups: CustomerLookups,
  identityId: string,
): Promise<CustomerLink> {
  const canonicalKey = lookups.linkOf(customerSourceKey(identityId)) ?? null;
  const customer = canonicalKey === null ? undefined : lookups.stateOf(canonicalKey);
  if (
    canonicalKey !== null &&
    customer?.siagh.id &&
    !customer.siagh.deleted &&
    /^\d+$/.test(customer.siagh.id)
  ) {
    return { status: 'linked', code: Number(customer.siagh.id), canonicalKey };
  }
  const found = await systems.crm.getIdentity(identityId);
  return found === undefined ? { status: 'missing' } : { status: 'unlinked', canonicalKey };
}

export async function findDocument(systems: Systems, documentNo: number): Promise<SiaghPreInvoice | null> {
  const rows = await systems.siagh.findPreInvoices({ ShomareSanad: documentNo });
  // Filtered again: GetAll ignores a filter column it does not know and would answer every document.
  return rows.find((r) => Number(r.ShomareSanad) === documentNo) ?? null;
}

/** Documents whose notes carry `CRM <quoteId>` (written by quoteToPreInvoice), lowest number first. */
export async function findDocumentsOfQuote(systems: Systems, quoteId: string): Promise<SiaghPreInvoice[]> {
  const ref = `CRM ${quoteId}`;
  const rows = await systems.siagh.findPreInvoices({ Tozihat: ref });
  return rows
    .filter((r) => typeof r.Tozihat === 'string' && (r.Tozihat === ref || r.Tozihat.startsWith(`${ref} `)))
    .sort((a, b) => Number(a.ShomareSanad) - Number(b.ShomareSanad));
}
