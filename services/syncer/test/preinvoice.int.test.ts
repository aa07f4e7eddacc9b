import { createWorld, type World } from './harness';
import {
  docNoOn,
  docsOf,
  emitQuote,
  newCustomer,
  newQuote,
  preInvoiceSaves,
  quoteKey,
  quoteUpdates,
  redrive,
} from './preinvoiceHarness';

jest.setTimeout(120_000);

// CRM quotes -> Siagh pre-invoices on the real broker and registry, with both simulators.

describe('pre-invoices on the real pipeline', () => {
  let w: World;
  beforeAll(async () => {
    w = await createWorld('preinvoice');
  });
  afterAll(async () => {
    await w?.close();
  });

  const statuses = (key: string) => w.outcomes.filter((o) => o.canonicalKey === key).map((o) => o.status);
  const line = (code: string, count: number, price: number, discount = 0) => ({
    productCode: code,
    count,
    baseUnitPrice: price,
    totalDiscount: discount,
  });

  it('a quote for an unlinked customer waits; once the customer is linked it syncs; the audit shows both', async () => {
    const customerId = newCustomer(w, 7101);
    const q = newQuote(w, customerId, [line('K-100', 2, 1_250_000, 50_000), line('K-200', 3, 400_000)]);
    await emitQuote(w, q.crmId);
    await w.waitFor('waiting', () => statuses(quoteKey(q.crmId)).includes('waiting'));
    expect(docsOf(w, q.crmId)).toEqual([]);

    await w.emit('crm', customerId);
    await w.waitFor('created', () => statuses(quoteKey(q.crmId)).includes('created'));
    const [contact] = await w.siagh.findContactsByCustomerNumber(7101);
    const docs = docsOf(w, q.crmId);
    expect(docs).toHaveLength(1);
    expect(docs[0]).toMatchObject({
      CodeMoshtari: contact!.Code,
      SalMali: w.siaghSim.store.fiscalYear(),
      CodeSaleModel: 5,
      MablaghKol: 2 * 1_250_000 - 50_000 + 3 * 400_000,
    });
    expect(docs[0]!.Rows.map((r) => [r.CodeKala, r.Qty, r.Price, r.MabTakhfif])).toEqual([
      ['K-100', 2, 1_250_000, 50_000],
      ['K-200', 3, 400_000, 0],
    ]);
    const audit = w.outcomes.filter((o) => o.canonicalKey === quoteKey(q.crmId));
    expect(audit.map((o) => o.status).slice(0, 2)).toEqual(['waiting', 'created']);
    expect(audit[0]!.fieldDiff[0]).toMatchObject({ reason: 'waiting-for-customer-link', after: customerId });
  });

  it('writes the document number back once and skips its echo; a real edit is one Siagh write', async () => {
    const customerId = newCustomer(w, 7102);
    await w.emit('crm', customerId);
    await w.waitFor('customer', () => statuses('customer:7102').includes('created'));
    const q = newQuote(w, customerId, [line('K-300', 1, 900_000)]);
    const [saves0, updates0] = [preInvoiceSaves(w), quoteUpdates(w)];
    await emitQuote(w, q.crmId);
    await w.waitFor('created', () => statuses(quoteKey(q.crmId)).includes('created'));
    const docNo = docsOf(w, q.crmId)[0]!.ShomareSanad;
    expect(docNoOn(w, q.crmId)).toBe(String(docNo));
    expect([preInvoiceSaves(w) - saves0, quoteUpdates(w) - updates0]).toEqual([1, 1]);

    // The CRM notifies the write-back (and a duplicate of it): our own echo, nothing written.
    await emitQuote(w, q.crmId);
    await emitQuote(w, q.crmId);
    await w.waitFor(
      'echo',
      () => statuses(quoteKey(q.crmId)).filter((s) => s === 'skipped-echo').length === 2,
    );
    expect([preInvoiceSaves(w) - saves0, quoteUpdates(w) - updates0]).toEqual([1, 1]);

    // A real edit right after: the document is edited in place, once; the number is already there.
    w.crmSim.store.quotes.update(q.crmId, { subject: 'ویرایش مشتری', details: [line('K-300', 2, 900_000)] });
    await emitQuote(w, q.crmId);
    await w.waitFor('edit', () => statuses(quoteKey(q.crmId)).includes('synced'));
    expect(docsOf(w, q.crmId)).toHaveLength(1);
    expect(docsOf(w, q.crmId)[0]).toMatchObject({
      ShomareSanad: docNo,
      MablaghKol: 1_800_000,
      Tozihat: `CRM ${q.crmId} - ویرایش مشتری`,
    });
    expect([preInvoiceSaves(w) - saves0, quoteUpdates(w) - updates0]).toEqual([2, 1]);

    // Finalized in Siagh, then edited in the CRM: an open conflict with both versions, nothing overwritten.
    w.siaghSim.store.updatePreInvoice(docNo, { Finalized: true });
    w.crmSim.store.quotes.update(q.crmId, { details: [line('K-300', 5, 900_000)] });
    await emitQuote(w, q.crmId);
    const conflict = await w.waitFor('conflict', () =>
      w.conflicts.find((c) => c.canonicalKey === quoteKey(q.crmId)),
    );
    expect(conflict).toMatchObject({ status: 'open', field: 'record', entityType: 'preinvoice' });
    expect(JSON.parse(conflict.siaghValue!)).toMatchObject({ ShomareSanad: docNo, Finalized: true });
    expect(docsOf(w, q.crmId)[0]!.MablaghKol).toBe(1_800_000);
  });

  it('a refused row price is one dead letter with the Persian message; the redrive after the fix creates one document', async () => {
    const customerId = newCustomer(w, 7103);
    await w.emit('crm', customerId);
    await w.waitFor('customer', () => statuses('customer:7103').includes('created'));
    const q = newQuote(w, customerId, [line('K-400', 1, 700_000), line('K-401', 1, 0)]);
    await emitQuote(w, q.crmId);
    const dl = await w.waitFor('dead letter', () =>
      w.deadLetters.find((d) => d.canonicalKey === quoteKey(q.crmId)),
    );
    expect(dl.reasonCode).toBe('SIAGH_INVALID_ROW_PRICE');
    expect(dl.sourceMessage).toContain('مبلغ ردیف 2 نامعتبر است');
    expect(docsOf(w, q.crmId)).toEqual([]);

    // Fixed in the CRM (its webhook is not delivered here), then the dead letter is redriven, twice.
    w.crmSim.store.quotes.update(q.crmId, {
      details: [line('K-400', 1, 700_000), line('K-401', 1, 300_000)],
    });
    await redrive(w, dl);
    await w.waitFor('created', () => statuses(quoteKey(q.crmId)).includes('created'));
    await redrive(w, dl);
    await w.waitFor(
      'second redrive',
      () => statuses(quoteKey(q.crmId)).filter((s) => s.startsWith('skipped')).length >= 1,
    );
    expect(docsOf(w, q.crmId)).toHaveLength(1);
    expect(docsOf(w, q.crmId)[0]!.MablaghKol).toBe(1_000_000);
    expect(w.deadLetters.filter((d) => d.canonicalKey === quoteKey(q.crmId))).toHaveLength(1);
  });

  it('a quote whose customer is gone from the CRM is dead-lettered with PREINVOICE_CUSTOMER_MISSING', async () => {
    const customerId = newCustomer(w, 7104);
    const q = newQuote(w, customerId, [line('K-500', 1, 100_000)]);
    w.crmSim.store.delete(customerId);
    await emitQuote(w, q.crmId);
    const dl = await w.waitFor('dead letter', () =>
      w.deadLetters.find((d) => d.canonicalKey === quoteKey(q.crmId)),
    );
    expect(dl.reasonCode).toBe('PREINVOICE_CUSTOMER_MISSING');
  });
});
