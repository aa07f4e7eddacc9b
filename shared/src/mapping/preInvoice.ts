// CRM quote (PI_<n>) -> Siagh pre-invoice header and lines, per the `preInvoice` section of the sync config.

import { permanent } from '../errors';
import { normalizeText } from '../normalize/text';
import type { PreInvoiceHeader, PreInvoiceLine } from '../siagh/preInvoice';
import type { SyncConfig } from './syncConfig';

export interface QuoteLike {
  crmId: string;
  crmObjectTypeCode: string;
  subject?: string | null | undefined;
  description?: string | null | undefined;
  details: {
    productCode?: string | null | undefined;
    productUnitTypeName?: string | null | undefined;
    count: number;
    baseUnitPrice: number;
    totalDiscount?: number | undefined;
  }[];
}

/** The sale model: `n` of `PI_<n>` when configured so, else the configured default. */
export function saleModelOf(typeCode: string, cfg: SyncConfig['preInvoice']): number {
  const m = /^(?:PI|INV)_(\d+)$/.exec(typeCode.trim());
  return cfg.saleModel.fromTypeCode && m?.[1] ? Number(m[1]) : cfg.saleModel.default;
}

/**
 * The pre-invoice for `quote`, whose customer is Siagh contact `customerCode`. The notes carry the CRM
 * quote id, so the pre-invoice can be found again (findPreInvoices({Tozihat: crmId})) before a re-create.
 */
export function quoteToPreInvoice(
  quote: QuoteLike,
  customerCode: number,
  cfg: SyncConfig['preInvoice'],
): { header: PreInvoiceHeader; lines: PreInvoiceLine[] } {
  const lines = quote.details.map((d, i): PreInvoiceLine => {
    const crmCode = normalizeText(d.productCode ?? '');
    const mapped = cfg.products[crmCode];
    if (mapped === undefined && (cfg.unmappedProduct === 'reject' || crmCode === '')) {
      throw permanent(
        'PREINVOICE_UNMAPPED_PRODUCT',
        `quote ${quote.crmId} line ${i + 1}: product "${crmCode}" has no Siagh codekala`,
        {
          details: { quoteId: quote.crmId, line: i + 1, productCode: crmCode },
        },
      );
    }
    return {
      productCode: mapped ?? crmCode,
      unitName: normalizeText(d.productUnitTypeName ?? '') || cfg.unitName,
      qty: d.count,
      price: d.baseUnitPrice,
      discount: d.totalDiscount ?? 0,
    };
  });
  const subject = normalizeText(quote.subject ?? '');
  return {
    header: {
      customerCode,
      saleModel: saleModelOf(quote.crmObjectTypeCode, cfg),
      paymentType: cfg.paymentType,
      documentType: cfg.documentType,
      documentTypeName: cfg.documentTypeName,
      notes: subject ? `CRM ${quote.crmId} - ${subject}` : `CRM ${quote.crmId}`,
    },
    lines,
  };
}
