import { createHash } from 'node:crypto';
import type { CrmQuoteRecord } from '@siaghsync/shared/crm/schemas';
import { getCrmPath } from '@siaghsync/shared/mapping/crmPath';
import { quoteToPreInvoice } from '@siaghsync/shared/mapping/preInvoice';
import type { SyncConfig } from '@siaghsync/shared/mapping/syncConfig';
import type { PreInvoiceHeader, PreInvoiceLine } from '@siaghsync/shared/siagh/preInvoice';

// How a pre-invoice lives in the generic EntityState (no Avro change needed):
//   crm.id         the CRM quote id                 siagh.id       the Siagh document number (ShomareSanad)
//   crm.seen       content checksum of the quote as last processed (see contentChecksum)
//   crm.written    checksum of (content, document number) as our write-back left the quote: a fetched quote
//                  with this checksum is our own write-back coming back (the echo)
//   siagh.written  checksum of the header + lines last saved to Siagh
//   preInvoice     (in the record's `extra` JSON) the rest, below.
// The document number is kept OUT of the content checksum and compared on its own: an edit of the
// quote's content is an edit to send, a missing or different number is a write-back to (re)do, and the
// two never mask each other.

export interface PreInvoiceExtra {
  /** Content checksum of the quote version the Siagh document holds now (null: nothing sent yet). */
  sent: string | null;
  /** While parked waiting for the customer's link: the customer's `crm:<identityId>` source key. */
  waitingFor: string | null;
  /** CRM identity of the quote's customer, last seen. */
  customerCrmId: string | null;
  /** Siagh session's fiscal year and Jalali date when the document was created. */
  fiscalYear: number | null;
  documentDate: string | null;
}

export const emptyExtra = (): PreInvoiceExtra => ({
  sent: null,
  waitingFor: null,
  customerCrmId: null,
  fiscalYear: null,
  documentDate: null,
});

const sha = (v: unknown): string => createHash('sha256').update(JSON.stringify(v)).digest('hex').slice(0, 32);

/**
 * The quote's content as it matters to Siagh: the mapped header and lines (customer as the CRM identity,
 * since its Siagh code is only known once linked) and the CRM's totals. Throws the mapping's permanent
 * errors (unmapped product).
 */
export function contentChecksum(quote: CrmQuoteRecord, config: SyncConfig): string {
  const { header, lines } = quoteToPreInvoice(quote, 0, config.preInvoice);
  const raw = quote as Record<string, unknown>;
  return sha({
    identityId: quote.identityId,
    header: { ...header, customerCode: undefined },
    lines,
    totals: [quote.totalValue ?? null, quote.discount ?? null, raw.vat ?? null, quote.vatPercent ?? null],
  });
}

export const writtenChecksum = (content: string, documentNo: string): string => sha({ content, documentNo });

export const payloadChecksum = (header: PreInvoiceHeader, lines: readonly PreInvoiceLine[]): string =>
  sha({ header, lines });

/** The document number the quote carries at the configured path, as a string ('' when absent). */
export function documentNumberOn(quote: CrmQuoteRecord, config: SyncConfig): string {
  const v = getCrmPath(quote, config.preInvoice.documentNumberField);
  return typeof v === 'string' || typeof v === 'number' ? String(v).trim() : '';
}

export const customerSourceKey = (identityId: string): string => `crm:${identityId}`;
