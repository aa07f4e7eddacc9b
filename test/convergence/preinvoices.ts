import { quoteToPreInvoice } from '@siaghsync/shared/mapping/preInvoice';
import type { SyncConfig } from '@siaghsync/shared/mapping/syncConfig';
import type { CrmQuote } from '@siaghsync/simulators/crm/types';
import type { PreInvoice } from '@siaghsync/simulators/siagh/types';
import type { Finding } from './checker';

// The pre-invoice rules of the verdict: a CRM quote whose customer is linked ends as exactly one Siagh
// pre-invoice equal to what the mapping (shared/mapping/preInvoice.ts) makes of the quote as it is now,
// its number written back on the quote; unless a dead letter or an open conflict explains it. A quote
// whose customer is not linked (deleted on a side, or parked by a conflict) may still wait.

export interface PreInvoiceWorld {
  /** The CRM's quotes now. */
  quotes: CrmQuote[];
  /** Customer number of a CRM identity that still exists. */
  customerOf(identityId: string): number | undefined;
  /** Siagh contact Code of customer n, when both sides have it (linked). */
  siaghCodeOf(n: number): number | undefined;
  docs: PreInvoice[];
  /** Canonical keys a dead letter or an open conflict explains. */
  explained: Set<string>;
  config: SyncConfig['preInvoice'];
}

export interface PreInvoiceVerdict {
  quotes: number;
  documents: number;
  explained: number;
  waiting: number;
  findings: Finding[];
}

/** `documentNumberField` is `extendedProperties[userKey=<key>].value` in every config we ship. */
function documentNumberOn(q: CrmQuote, field: string): string | null | undefined {
  const key = /^extendedProperties\[userKey=([^\]]+)\]\.value$/.exec(field)?.[1];
  if (!key) return undefined;
  return q.extendedProperties.find((p) => p.userKey === key)?.value ?? null;
}

const quoteIdOf = (d: PreInvoice): string | undefined => /^CRM (\S+)/.exec(d.Tozihat ?? '')?.[1];

function differences(q: CrmQuote, doc: PreInvoice, code: number, cfg: SyncConfig['preInvoice']): string[] {
  const want = quoteToPreInvoice(q, code, cfg);
  const out: string[] = [];
  const eq = (what: string, a: unknown, b: unknown) => {
    if (a !== b) out.push(`${what}: want ${JSON.stringify(a)}, Siagh has ${JSON.stringify(b)}`);
  };
  eq('customer', want.header.customerCode, doc.CodeMoshtari);
  eq('sale model', want.header.saleModel, doc.CodeSaleModel);
  eq('document type', want.header.documentType, doc.CodeNoeSanad);
  eq('notes', want.header.notes, doc.Tozihat);
  eq('lines', want.lines.length, doc.Rows.length);
  want.lines.forEach((l, i) => {
    const r = doc.Rows[i];
    if (!r) return;
    eq(`line ${i + 1} product`, l.productCode, r.CodeKala);
    eq(`line ${i + 1} unit`, l.unitName, r.NameUnit);
    eq(`line ${i + 1} qty`, l.qty, r.Qty);
    eq(`line ${i + 1} price`, l.price, r.Price);
    eq(`line ${i + 1} discount`, l.discount ?? 0, r.MabTakhfif);
  });
  // Whole counts and rials: the document's total is exactly the quote's net (totalValue − discount).
  if (q.details.every((d) => Number.isInteger(d.count)))
    eq('net total', q.totalValue - q.discount, doc.MablaghKol);
  return out;
}

export function checkPreInvoices(w: PreInvoiceWorld): PreInvoiceVerdict {
  const findings: Finding[] = [];
  const byQuote = new Map<string, PreInvoice[]>();
  for (const d of w.docs) {
    const id = quoteIdOf(d);
    if (id) byQuote.set(id, [...(byQuote.get(id) ?? []), d]);
  }
  const v: PreInvoiceVerdict = { quotes: 0, documents: w.docs.length, explained: 0, waiting: 0, findings };
  for (const q of w.quotes) {
    if (!q.crmObjectTypeCode.startsWith('PI')) continue;
    v.quotes++;
    const n = w.customerOf(q.identityId);
    const label = `quote ${q.number} (${q.crmId})`;
    const docs = byQuote.get(q.crmId) ?? [];
    if (docs.length > 1)
      findings.push({
        kind: 'preinvoice-duplicate',
        n: n ?? null,
        detail: `${label}: ${docs.length} Siagh pre-invoices (${docs.map((d) => d.ShomareSanad).join(', ')})`,
      });
    if (w.explained.has(`preinvoice:crm:${q.crmId}`)) {
      v.explained++;
      continue;
    }
    const code = n === undefined ? undefined : w.siaghCodeOf(n);
    if (code === undefined) {
      v.waiting++;
      continue;
    }
    const doc = docs[0];
    if (!doc) {
      findings.push({
        kind: 'preinvoice-missing',
        n: n ?? null,
        detail: `${label}: customer linked, no pre-invoice`,
      });
      continue;
    }
    const diff = differences(q, doc, code, w.config);
    const no = documentNumberOn(q, w.config.documentNumberField);
    if (no !== undefined && no !== String(doc.ShomareSanad))
      diff.push(`document number on the quote ${JSON.stringify(no)}, Siagh's ${doc.ShomareSanad}`);
    if (diff.length)
      findings.push({ kind: 'preinvoice-mismatch', n: n ?? null, detail: `${label}: ${diff.join('; ')}` });
  }
  return v;
}
