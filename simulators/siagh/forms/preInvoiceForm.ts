import type { SiaghStore } from '../store';
import type { PreInvoice, PreInvoiceRow } from '../types';
import { tableFields } from '../ctrlValues';
import { ErrorCodes, failed, formError, succeeded, type FormError, type FormResult } from './result';

// Form 43D81 (pre-invoice): header in ctrlValues (sl_sanad.*), lines in dataRows, a JSON STRING
// of grids whose cells are {oldValue, newValue}. "_In_Suid=<uuid>" creates, "CodeMain=<doc>" edits.

export const PRE_INVOICE_FORM_ID = '43D81';
export const PRE_INVOICE_TYPE = 2;

export interface PreInvoiceOptions {
  /** Documents older than this refuse edits (undefined: only when finalized through the admin API). */
  autoFinalizeMs?: number | undefined;
}

/** Decimal as .NET parses it with the invariant culture: Latin digits only. */
function decimal(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v !== 'string' || !/^\s*-?\d+(\.\d+)?\s*$/.test(v)) return undefined;
  return Number(v);
}

function cell(row: Record<string, unknown>, name: string): unknown {
  const c = row[name];
  return c !== null && typeof c === 'object' && 'newValue' in c ? c.newValue : undefined;
}

export function parseRows(dataRows: string): { rows?: PreInvoiceRow[]; errors: FormError[] } {
  let grids: unknown;
  try {
    grids = JSON.parse(dataRows);
  } catch {
    return { errors: [formError('dataRows', ErrorCodes.invalidRows, 'اطلاعات ردیف های سند نامعتبر است.')] };
  }
  const grid = Array.isArray(grids)
    ? (grids as Array<Record<string, unknown>>).find(
        (g) => g?.name === 'dbgrid1' || g?.entity === 'sl_rizsanad',
      )
    : undefined;
  if (!grid || !Array.isArray(grid.data)) {
    return { errors: [formError('dataRows', ErrorCodes.invalidRows, 'اطلاعات ردیف های سند نامعتبر است.')] };
  }
  const errors: FormError[] = [];
  const rows: PreInvoiceRow[] = (grid.data as Array<Record<string, unknown>>).map((r, i) => {
    const Radif = decimal(cell(r, 'radif')) ?? i + 1;
    const CodeKala = cell(r, 'codekala');
    const Qty = decimal(cell(r, 'qty'));
    const Price = decimal(cell(r, 'price'));
    const MabTakhfif = decimal(cell(r, 'mabtakhfif') ?? 0);
    if (typeof CodeKala !== 'string' && typeof CodeKala !== 'number') {
      errors.push(formError('codekala', ErrorCodes.required, `کد کالا در ردیف ${Radif} وارد نشده است.`));
    }
    if (Qty === undefined || Qty <= 0)
      errors.push(formError('qty', ErrorCodes.invalidQty, `مقدار ردیف ${Radif} نامعتبر است.`));
    if (Price === undefined || Price <= 0) {
      errors.push(formError('price', ErrorCodes.invalidPrice, `مبلغ ردیف ${Radif} نامعتبر است.`));
    }
    if (MabTakhfif === undefined || MabTakhfif < 0) {
      errors.push(formError('mabtakhfif', ErrorCodes.invalidValue, `مبلغ تخفیف ردیف ${Radif} نامعتبر است.`));
    }
    const nameUnit = cell(r, 'nameunit');
    const qty = Qty ?? 0;
    const price = Price ?? 0;
    const discount = MabTakhfif ?? 0;
    return {
      Radif,
      CodeKala: typeof CodeKala === 'string' || typeof CodeKala === 'number' ? String(CodeKala) : '',
      NameUnit: typeof nameUnit === 'string' ? nameUnit : null,
      Qty: qty,
      Price: price,
      MabTakhfif: discount,
      Vazn: decimal(cell(r, 'vazn')) ?? 0,
      Hajm: decimal(cell(r, 'hajm')) ?? 0,
      Mablagh: qty * price - discount,
    };
  });
  if (rows.length === 0)
    errors.push(formError('dataRows', ErrorCodes.invalidRows, 'سند بدون ردیف قابل ثبت نیست.'));
  return errors.length > 0 ? { errors } : { rows, errors };
}

type Header = Partial<
  Pick<
    PreInvoice,
    | 'CodeNoeSanad'
    | 'NameNoeSanad'
    | 'CodeSaleModel'
    | 'SalMali'
    | 'CodeNoePardakht'
    | 'CodeMoshtari'
    | 'Tozihat'
  >
>;

function parseHeader(
  store: SiaghStore,
  ctrlValues: string,
  creating: boolean,
): { header: Header; errors: FormError[] } {
  const f = tableFields(ctrlValues, 'sl_sanad');
  const errors: FormError[] = [];
  const header: Header = {};
  const int = (name: string): number | null | undefined => {
    const raw = f.get(name);
    if (raw === undefined) return undefined;
    if (raw.trim() === '') return null;
    if (/^\s*\d+\s*$/.test(raw)) return Number(raw);
    errors.push(formError(name, ErrorCodes.invalidValue, `مقدار فیلد ${name} نامعتبر است.`));
    return undefined;
  };
  const type = int('codenoeesanad');
  if ((creating || type !== undefined) && type !== PRE_INVOICE_TYPE) {
    errors.push(formError('codenoeesanad', ErrorCodes.invalidValue, 'نوع سند نامعتبر است.'));
  }
  if (type != null) header.CodeNoeSanad = type;
  const year = int('salmali');
  if (year != null && year !== store.fiscalYear()) {
    errors.push(formError('salmali', ErrorCodes.fiscalYear, `سال مالی ${year} معتبر نیست.`));
  }
  if (year != null) header.SalMali = year;
  const customer = int('codemoshtari');
  if (creating || customer !== undefined) {
    const c = customer == null ? undefined : store.contacts.get(customer);
    if (!c)
      errors.push(
        formError('codemoshtari', ErrorCodes.unknownCustomer, `مشتری با کد ${customer ?? ''} یافت نشد.`),
      );
    else if (!c.IsActive)
      errors.push(
        formError('codemoshtari', ErrorCodes.unknownCustomer, `مشتری با کد ${c.Code} غیرفعال است.`),
      );
    else header.CodeMoshtari = c.Code;
  }
  const saleModel = int('codesalemodel');
  if (saleModel !== undefined) header.CodeSaleModel = saleModel;
  const payment = int('codenoeepardakht');
  if (payment !== undefined) header.CodeNoePardakht = payment;
  const notes = f.get('tozihat');
  if (notes !== undefined) header.Tozihat = notes === '' ? null : notes;
  const typeName = f.get('namenoesanad');
  if (typeName !== undefined) header.NameNoeSanad = typeName === '' ? null : typeName;
  return { header, errors };
}

const total = (rows: PreInvoiceRow[]) => rows.reduce((s, r) => s + r.Mablagh, 0);

export function preInvoiceForm(
  store: SiaghStore,
  body: { ctrlValues: string; dataRows: string },
  params: Map<string, string>,
  opts: PreInvoiceOptions,
): FormResult {
  const codeMain = params.get('codemain') ?? '';
  const creating = codeMain === '';
  const existing = creating ? undefined : store.preInvoices.get(Number(codeMain));
  if (!creating && !existing)
    return failed([formError('CodeMain', ErrorCodes.notFound, 'سند مورد نظر یافت نشد.')]);
  if (
    existing &&
    (existing.Finalized ||
      (opts.autoFinalizeMs !== undefined && store.ageMs(existing.ShomareSanad) >= opts.autoFinalizeMs))
  ) {
    return failed([formError('CodeMain', ErrorCodes.finalized, 'سند قطعی شده و قابل ویرایش نیست.')]);
  }
  const { header, errors } = parseHeader(store, body.ctrlValues, creating);
  const parsed = creating || body.dataRows.trim() !== '' ? parseRows(body.dataRows || '[]') : { errors: [] };
  const all = [...errors, ...parsed.errors];
  if (all.length > 0) return failed(all);

  if (existing) {
    const rows = parsed.rows ?? existing.Rows;
    const doc = store.updatePreInvoice(existing.ShomareSanad, {
      ...header,
      Rows: rows,
      MablaghKol: total(rows),
    });
    return succeeded(
      existing.ShomareSanad,
      `پیش فاکتور شماره ${doc?.ShomareSanad ?? ''} با موفقیت ویرایش شد.`,
    );
  }
  const rows = parsed.rows ?? [];
  const doc = store.createPreInvoice({
    CodeNoeSanad: PRE_INVOICE_TYPE,
    NameNoeSanad: header.NameNoeSanad ?? 'پیش فاکتور فروش',
    CodeSaleModel: header.CodeSaleModel ?? null,
    SalMali: header.SalMali ?? store.fiscalYear(),
    CodeNoePardakht: header.CodeNoePardakht ?? null,
    CodeMoshtari: header.CodeMoshtari ?? 0,
    Tozihat: header.Tozihat ?? null,
    Suid: params.get('_in_suid') || null,
    MablaghKol: total(rows),
    Rows: rows,
  });
  return succeeded(doc.ShomareSanad, `پیش فاکتور شماره ${doc.ShomareSanad} با موفقیت ثبت شد.`);
}
