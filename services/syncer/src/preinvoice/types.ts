import type { CrmQuoteRecord } from '@siaghsync/shared/crm/schemas';
import type { SyncConfig } from '@siaghsync/shared/mapping/syncConfig';
import type { PreInvoiceHeader, PreInvoiceLine } from '@siaghsync/shared/siagh/preInvoice';
import type { SiaghPreInvoice } from '@siaghsync/shared/siagh/schemas';
import type { WorkEvent } from '@siaghsync/shared/events';
import type { EntityState } from '../decide/state';
import type { Decision as CustomerDecision } from '../decide/types';

/** The quote's customer, as the id index and the customer's state know it. */
export type CustomerLink =
  | { status: 'linked'; code: number; canonicalKey: string }
  | { status: 'unlinked'; canonicalKey: string | null }
  | { status: 'missing' };

/** What the decision needs, read by fetch.ts. */
export interface PreInvoiceFetched {
  /** The quote now; null when the CRM no longer has it. */
  quote: CrmQuoteRecord | null;
  customer: CustomerLink | null;
  /** Siagh's session (FiscalYear, Jalali SystemDate), read only when a document is to be saved. */
  session: { fiscalYear: number; systemDate: string } | null;
  /** The Siagh document as it is now, when one is linked and the quote changed (finalized or not). */
  document: SiaghPreInvoice | null;
}

export type PreInvoiceWrite =
  | {
      side: 'siagh';
      op: 'create';
      quoteId: string;
      header: PreInvoiceHeader;
      lines: PreInvoiceLine[];
      checksum: string;
    }
  | {
      side: 'siagh';
      op: 'update';
      documentNo: number;
      header: PreInvoiceHeader;
      lines: PreInvoiceLine[];
      checksum: string;
    }
  /** The document number onto the quote; `documentNo` null = the number the create in the same decision returns. */
  | { side: 'crm'; op: 'write-back'; quoteId: string; documentNo: number | null };

export interface PreInvoiceInput {
  state: EntityState;
  event: WorkEvent;
  fetched: PreInvoiceFetched;
  config: SyncConfig;
  now: number;
}

export interface PreInvoiceDecision extends Omit<CustomerDecision, 'writes'> {
  writes: PreInvoiceWrite[];
  /** Content checksum of the quote decided on (null when the quote is gone). */
  content: string | null;
}
