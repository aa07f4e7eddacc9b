import type { CrmQuoteRecord } from '@siaghsync/shared/crm/schemas';
import type { WorkEvent } from '@siaghsync/shared/events';
import { initialState, type EntityState } from '../src/decide/state';
import { decidePreInvoice } from '../src/preinvoice/decide';
import { contentChecksum, emptyExtra, payloadChecksum, writtenChecksum } from '../src/preinvoice/state';
import type { CustomerLink, PreInvoiceDecision, PreInvoiceFetched } from '../src/preinvoice/types';
import { quoteToPreInvoice } from '@siaghsync/shared/mapping/preInvoice';
import { config } from './spec';

// Given/when/then for the pre-invoice decider: given a state, the quote, its customer's link and the
// Siagh session/document, when an event arrives, then these writes and this outcome.

export { config };
export const QUOTE_ID = 'quote-guid-1';
export const PKEY = `preinvoice:crm:${QUOTE_ID}`;
export const SESSION = { fiscalYear: 1404, systemDate: '1404/09/04' };
export const LINKED: CustomerLink = { status: 'linked', code: 501, canonicalKey: 'customer:1231' };

export function quote(overrides: Partial<CrmQuoteRecord> & { vat?: number } = {}): CrmQuoteRecord {
  return {
    crmId: QUOTE_ID,
    crmObjectTypeCode: 'PI_5',
    identityId: 'crm-guid-1',
    subject: 'پیش فاکتور تست',
    description: null,
    totalValue: 2_500_000,
    discount: 100_000,
    vat: 240_000,
    vatPercent: 10,
    creatDate: null,
    modifyDate: null,
    details: [
      {
        productCode: 'P-1',
        productId: null,
        productName: null,
        productUnitTypeName: 'عدد',
        count: 2,
        baseUnitPrice: 1_000_000,
        totalDiscount: 100_000,
        totalVat: 190_000,
      },
      {
        productCode: 'P-2',
        productId: null,
        productName: null,
        productUnitTypeName: 'عدد',
        count: 1,
        baseUnitPrice: 500_000,
        totalDiscount: 0,
        totalVat: 50_000,
      },
    ],
    ...overrides,
  };
}

export const withDocNo = (q: CrmQuoteRecord, docNo: string): CrmQuoteRecord => ({
  ...q,
  extendedProperties: [{ userKey: 'SiaghDocumentNumber', value: docNo }],
});

export function quoteEvent(overrides: Partial<WorkEvent> = {}): WorkEvent {
  return {
    canonicalKey: PKEY,
    kind: 'change',
    routeReason: 'direct',
    routedAt: 5_000,
    correlationId: 'corr-quote',
    change: {
      eventId: 'ev-quote',
      source: 'crm',
      entityType: 'preinvoice',
      sourceId: QUOTE_ID,
      operation: 'upsert',
      sourceTime: null,
      observedTime: 4_000,
      trigger: 'webhook',
      correlationId: 'corr-quote',
      naturalKey: null,
      checksum: null,
      snapshot: null,
      attributes: {},
    },
    resolution: null,
    redriveOf: null,
    ...overrides,
  };
}

export const fetchedOf = (
  q: CrmQuoteRecord | null,
  extra: Partial<PreInvoiceFetched> = {},
): PreInvoiceFetched => ({
  quote: q,
  customer: LINKED,
  session: SESSION,
  document: null,
  ...extra,
});

/** The state right after `q` was sent as document `docNo` and the number written back. */
export function sent(q: CrmQuoteRecord, docNo = 7): EntityState {
  const content = contentChecksum(q, config);
  const { header, lines } = quoteToPreInvoice(
    q,
    LINKED.status === 'linked' ? LINKED.code : 0,
    config.preInvoice,
  );
  return {
    ...initialState(PKEY, 'preinvoice'),
    version: 4,
    generation: 1,
    crm: { id: q.crmId, written: writtenChecksum(content, String(docNo)), seen: content, deleted: false },
    siagh: {
      id: String(docNo),
      written: payloadChecksum({ ...header, fiscalYear: SESSION.fiscalYear }, lines),
      seen: null,
      deleted: false,
    },
    preInvoice: {
      ...emptyExtra(),
      sent: content,
      customerCrmId: q.identityId,
      fiscalYear: SESSION.fiscalYear,
      documentDate: SESSION.systemDate,
    },
  };
}

export const fresh = (): EntityState => initialState(PKEY, 'preinvoice');

export function when(
  state: EntityState,
  event: WorkEvent,
  fetched: PreInvoiceFetched,
  cfg = config,
  now = 10_000,
): PreInvoiceDecision {
  return decidePreInvoice({ state, event, fetched, config: cfg, now });
}
