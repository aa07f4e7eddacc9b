import { randomUUID } from 'node:crypto';
import type { QuoteInput } from './schemas';
import type { ChangeNotice, CrmQuote, QuoteDetail } from './types';
import type { CrmStore, Result } from './store';
import { mergeExtended } from './store';

// Quotes (PI_<saleModel>) and invoices (INV_<saleModel>) share one API (quote/sales/*) and one store.

function round(n: number): number {
  return Math.round(n);
}

/** Totals as the CRM computes them; see ASSUMPTIONS.md for the formula. */
export function computeTotals(
  details: QuoteDetail[],
  headerDiscount: number,
  vatPercent: number,
  tollPercent: number,
): Pick<CrmQuote, 'totalValue' | 'discount' | 'vat' | 'toll' | 'finalValue'> {
  const totalValue = details.reduce((s, d) => s + d.count * d.finalUnitPrice, 0);
  const discount = headerDiscount + details.reduce((s, d) => s + d.totalDiscount, 0);
  const net = totalValue - discount;
  const vat = round((net * vatPercent) / 100);
  const toll = round((net * tollPercent) / 100);
  return { totalValue, discount, vat, toll, finalValue: net + vat + toll };
}

function toDetails(input: NonNullable<QuoteInput['details']>, vatPercent: number): QuoteDetail[] {
  return input.map((d) => {
    const finalUnitPrice = d.finalUnitPrice ?? d.baseUnitPrice;
    const totalDiscount = d.totalDiscount ?? 0;
    return {
      productCode: d.productCode ?? null,
      productId: d.productId ?? null,
      productName: d.productName ?? null,
      productUnitTypeName: d.productUnitTypeName ?? null,
      count: d.count,
      baseUnitPrice: d.baseUnitPrice,
      finalUnitPrice,
      totalDiscount,
      totalVat: round(((d.count * finalUnitPrice - totalDiscount) * vatPercent) / 100),
    };
  });
}

export class QuoteStore {
  readonly quotes = new Map<string, CrmQuote>();
  private seq = 0;

  constructor(
    private readonly crm: CrmStore,
    private readonly emit: (n: ChangeNotice) => void,
  ) {}

  private notify(event: ChangeNotice['event'], q: CrmQuote): void {
    const invoice = q.crmObjectTypeCode.startsWith('INV');
    this.emit({
      event,
      id: q.crmId,
      type: invoice ? 'Invoice' : 'Quote',
      subtype: invoice ? this.crm.subtypes.invoice : this.crm.subtypes.quote,
    });
  }

  load(quotes: CrmQuote[]): void {
    for (const q of quotes) {
      this.quotes.set(q.crmId, structuredClone(q));
      this.seq++;
    }
  }

  create(input: QuoteInput, notify = true): Result<CrmQuote> {
    if (!input.identityId || !this.crm.get(input.identityId)) {
      return { ok: false, message: 'طرف حساب (identityId) یافت نشد.' };
    }
    const code = input.crmObjectTypeCode ?? 'PI_5';
    const vatPercent = input.vatPercent ?? 10;
    const tollPercent = input.tollPercent ?? 0;
    const details = toDetails(input.details ?? [], vatPercent);
    const now = this.crm.now();
    const q: CrmQuote = {
      crmId: randomUUID(),
      crmObjectTypeCode: code,
      identityId: input.identityId,
      number: `${code.startsWith('INV') ? 'INV' : 'PI'}-${++this.seq}`,
      subject: input.subject ?? null,
      description: input.description ?? null,
      vatPercent,
      tollPercent,
      refId: input.refId ?? null,
      extendedProperties: mergeExtended([], input.extendedProperties),
      creatDate: now,
      modifyDate: now,
      details,
      ...computeTotals(details, input.discount ?? 0, vatPercent, tollPercent),
    };
    this.quotes.set(q.crmId, q);
    if (notify) this.notify('Insert', q);
    return { ok: true, value: q };
  }

  update(id: string, input: QuoteInput): Result<CrmQuote> {
    const old = this.quotes.get(id);
    if (!old) return { ok: false, message: 'رکورد مورد نظر یافت نشد.' };
    if (input.identityId !== undefined && !this.crm.get(input.identityId)) {
      return { ok: false, message: 'طرف حساب (identityId) یافت نشد.' };
    }
    const vatPercent = input.vatPercent ?? old.vatPercent;
    const tollPercent = input.tollPercent ?? old.tollPercent;
    const details = input.details ? toDetails(input.details, vatPercent) : old.details;
    const headerDiscount =
      input.discount ?? old.discount - old.details.reduce((s, d) => s + d.totalDiscount, 0);
    const q: CrmQuote = {
      ...old,
      crmObjectTypeCode: input.crmObjectTypeCode ?? old.crmObjectTypeCode,
      identityId: input.identityId ?? old.identityId,
      subject: input.subject !== undefined ? input.subject : old.subject,
      description: input.description !== undefined ? input.description : old.description,
      refId: input.refId !== undefined ? input.refId : old.refId,
      extendedProperties: mergeExtended(old.extendedProperties, input.extendedProperties),
      vatPercent,
      tollPercent,
      details,
      modifyDate: this.crm.now(),
      ...computeTotals(details, headerDiscount, vatPercent, tollPercent),
    };
    this.quotes.set(id, q);
    this.notify('Update', q);
    return { ok: true, value: q };
  }

  delete(id: string): Result<CrmQuote> {
    const old = this.quotes.get(id);
    if (!old) return { ok: false, message: 'رکورد مورد نظر یافت نشد.' };
    this.quotes.delete(id);
    this.notify('Delete', old);
    return { ok: true, value: old };
  }

  get(id: string): CrmQuote | undefined {
    return this.quotes.get(id);
  }

  clear(): void {
    this.quotes.clear();
    this.seq = 0;
  }
}
