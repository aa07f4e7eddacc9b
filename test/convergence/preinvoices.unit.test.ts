import path from 'node:path';
import { loadSyncConfig } from '@siaghsync/shared/mapping/syncConfig';
import type { CrmQuote } from '@siaghsync/simulators/crm/types';
import type { PreInvoice } from '@siaghsync/simulators/siagh/types';
import { checkPreInvoices, type PreInvoiceWorld } from './preinvoices';
import { compareHashes } from './views';

const config = loadSyncConfig(path.resolve(__dirname, '../../config/sync.default.yaml')).preInvoice;

function quote(id: string, over: Partial<CrmQuote> = {}): CrmQuote {
  return {
    crmId: id,
    crmObjectTypeCode: 'PI_5',
    identityId: 'ident-1',
    number: `PI-${id}`,
    subject: 'پیش فاکتور',
    description: null,
    // 2 × 30,000 − 5,000 = 55,000 net
    totalValue: 60_000,
    vat: 5_500,
    toll: 0,
    discount: 5_000,
    finalValue: 60_500,
    vatPercent: 10,
    tollPercent: 0,
    refId: null,
    extendedProperties: [{ userKey: 'SiaghDocumentNumber', value: '501' }],
    creatDate: '',
    modifyDate: '',
    details: [
      {
        productCode: 'K-1',
        productId: null,
        productName: null,
        productUnitTypeName: null,
        count: 2,
        baseUnitPrice: 30_000,
        finalUnitPrice: 30_000,
        totalDiscount: 5_000,
        totalVat: 5_500,
      },
    ],
    ...over,
  };
}

function doc(quoteId: string, over: Partial<PreInvoice> = {}): PreInvoice {
  return {
    SanadId: 1,
    ShomareSanad: 501,
    CodeNoeSanad: 2,
    NameNoeSanad: 'پیش فاکتور',
    CodeSaleModel: 5,
    SalMali: 1404,
    CodeNoePardakht: 1,
    CodeMoshtari: 77,
    Tozihat: `CRM ${quoteId} - پیش فاکتور`,
    Tarikh: '1404/09/04',
    Suid: null,
    Finalized: false,
    MablaghKol: 55_000,
    Rows: [
      {
        Radif: 1,
        CodeKala: 'K-1',
        NameUnit: 'عدد',
        Qty: 2,
        Price: 30_000,
        MabTakhfif: 5_000,
        Vazn: 0,
        Hajm: 0,
        Mablagh: 55_000,
      },
    ],
    ...over,
  };
}

function world(over: Partial<PreInvoiceWorld>): PreInvoiceWorld {
  return {
    quotes: [quote('q1')],
    customerOf: (id) => (id === 'ident-1' ? 5 : undefined),
    siaghCodeOf: (n) => (n === 5 ? 77 : undefined),
    docs: [doc('q1')],
    explained: new Set(),
    config,
    ...over,
  };
}

describe('checkPreInvoices', () => {
  it('accepts one document equal to the mapping of the quote, its number written back', () => {
    const v = checkPreInvoices(world({}));
    expect(v.findings).toEqual([]);
    expect(v).toMatchObject({ quotes: 1, documents: 1, waiting: 0, explained: 0 });
  });

  it('finds a missing document when the customer is linked', () => {
    expect(checkPreInvoices(world({ docs: [] })).findings.map((f) => f.kind)).toEqual(['preinvoice-missing']);
  });

  it('lets a quote wait while its customer is not linked, or when a dead letter explains it', () => {
    expect(checkPreInvoices(world({ docs: [], siaghCodeOf: () => undefined })).findings).toEqual([]);
    const v = checkPreInvoices(world({ docs: [], explained: new Set(['preinvoice:crm:q1']) }));
    expect(v.findings).toEqual([]);
    expect(v.explained).toBe(1);
  });

  it('finds two documents for one quote, even when the quote is explained', () => {
    const docs = [doc('q1'), doc('q1', { SanadId: 2, ShomareSanad: 502 })];
    for (const explained of [new Set<string>(), new Set(['preinvoice:crm:q1'])])
      expect(checkPreInvoices(world({ docs, explained })).findings.map((f) => f.kind)).toContain(
        'preinvoice-duplicate',
      );
  });

  it('finds a line, an amount, a customer or a write-back that differs', () => {
    const cases: Partial<PreInvoice>[] = [
      { CodeMoshtari: 78 },
      { MablaghKol: 60_000 },
      { ShomareSanad: 999 },
      { Rows: [{ ...doc('q1').Rows[0]!, Qty: 3 }] },
      { Rows: [] },
    ];
    for (const c of cases)
      expect(checkPreInvoices(world({ docs: [doc('q1', c)] })).findings.map((f) => f.kind)).toEqual([
        'preinvoice-mismatch',
      ]);
  });

  it('ignores invoices (INV_), which are not synced as pre-invoices', () => {
    const v = checkPreInvoices(world({ quotes: [quote('q1', { crmObjectTypeCode: 'INV_5' })], docs: [] }));
    expect(v).toMatchObject({ quotes: 0, findings: [] });
  });
});

describe('compareHashes', () => {
  const h = (total: string, audit: string) => ({
    total,
    views: { sync_audit: { hash: audit, count: 3 } } as never,
  });
  it('is silent on equal hashes and names the views that differ', () => {
    expect(compareHashes(h('a', 'x'), h('a', 'x'))).toEqual([]);
    const f = compareHashes(h('a', 'x'), h('b', 'y'));
    expect(f).toHaveLength(1);
    expect(f[0]!.detail).toContain('sync_audit');
  });
});
