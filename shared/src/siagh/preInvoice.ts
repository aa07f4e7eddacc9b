// Form 43D81's payload: header fields in ctrlValues (sl_sanad.*), lines in `dataRows`, which is a JSON
// STRING (not an object) of grids whose cells are {oldValue, newValue}.

import { permanent } from '../errors';
import { encodeCtrlValues, type CtrlPair } from '../mapping/ctrlValues';

export interface PreInvoiceHeader {
  /** Siagh contact Code of the customer (codemoshtari). */
  customerCode: number;
  saleModel: number;
  paymentType: number;
  /** Defaults to the session's FiscalYear: never derive it from the Gregorian year. */
  fiscalYear?: number;
  documentType?: number;
  documentTypeName?: string;
  notes?: string;
}

export interface PreInvoiceLine {
  productCode: string;
  unitName: string;
  qty: number;
  price: number;
  discount?: number;
  weight?: number;
  volume?: number;
}

/** .NET parses decimals with the invariant culture: plain Latin digits, a dot, no exponent. */
function decimal(field: string, n: number): string {
  if (!Number.isFinite(n))
    throw permanent('SIAGH_UNSAFE_VALUE', `${field} is not a finite number`, { details: { field } });
  const s = String(n);
  return /e/i.test(s) ? n.toFixed(6).replace(/\.?0+$/, '') : s;
}

export function preInvoiceCtrlValues(header: PreInvoiceHeader & { fiscalYear: number }): string {
  const pairs: CtrlPair[] = [
    ['sl_sanad.codenoeesanad', String(header.documentType ?? 2)],
    ['sl_sanad.codesalemodel', String(header.saleModel)],
    ['sl_sanad.salmali', String(header.fiscalYear)],
    ['sl_sanad.codenoeepardakht', String(header.paymentType)],
    ['sl_sanad.codemoshtari', String(header.customerCode)],
  ];
  if (header.notes !== undefined) pairs.push(['sl_sanad.tozihat', header.notes]);
  if (header.documentTypeName !== undefined) pairs.push(['sl_sanad.namenoesanad', header.documentTypeName]);
  return encodeCtrlValues(pairs);
}

export function preInvoiceDataRows(lines: readonly PreInvoiceLine[]): string {
  const cell = (v: string | number) => ({ oldValue: null, newValue: v });
  const data = lines.map((l, i) => ({
    radif: cell(i + 1),
    codekala: cell(l.productCode),
    nameunit: cell(l.unitName),
    qty: cell(decimal('qty', l.qty)),
    price: cell(decimal('price', l.price)),
    mabtakhfif: cell(decimal('mabtakhfif', l.discount ?? 0)),
    vazn: cell(decimal('vazn', l.weight ?? 0)),
    hajm: cell(decimal('hajm', l.volume ?? 0)),
  }));
  return JSON.stringify([{ name: 'dbgrid1', entity: 'sl_rizsanad', keyField: 'coderiz', data }]);
}
