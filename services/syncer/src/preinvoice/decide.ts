import { permanent } from '@siaghsync/shared/errors';
import { quoteToPreInvoice } from '@siaghsync/shared/mapping/preInvoice';
import type { FieldChange } from '@siaghsync/shared/events';
import { parseResolution } from '@siaghsync/shared/operator/resolution';
import type { EntityState } from '../decide/state';
import { checkTotals } from './money';
import {
  contentChecksum,
  customerSourceKey,
  documentNumberOn,
  emptyExtra,
  payloadChecksum,
  writtenChecksum,
  type PreInvoiceExtra,
} from './state';
import type { PreInvoiceDecision, PreInvoiceInput, PreInvoiceWrite } from './types';

/**
 * The decision for one pre-invoice event: CRM quote -> Siagh pre-invoice, one way. Pure: no I/O, no
 * clock. Order of questions: is there a quote; has its content changed since it was sent; if it must be
 * sent, is its customer linked (else wait), do its amounts add up; create or edit (or, where edits are
 * not allowed, a conflict); and does the quote carry the document number (else write it back).
 */
export function decidePreInvoice(input: PreInvoiceInput): PreInvoiceDecision {
  const { state, event, fetched, config, now } = input;
  if (event.kind === 'resolution') return resolve(input);
  const next = stamp(state, now);
  if (event.change?.source === 'siagh' && state.crm.id === null) {
    // Siagh-side document changes do not flow back to the CRM (one-way); the poller's notices end here.
    return skip(next, null, 'skipped-unchanged', 'pre-invoices sync CRM -> Siagh only');
  }
  const quote = fetched.quote;
  if (quote === null) {
    next.crm = { ...next.crm, deleted: true };
    return skip(
      next,
      null,
      'skipped-unchanged',
      'quote no longer exists in the CRM; the Siagh pre-invoice is kept',
    );
  }
  const content = contentChecksum(quote, config);
  const extra: PreInvoiceExtra = {
    ...(state.preInvoice ?? emptyExtra()),
    waitingFor: null,
    customerCrmId: quote.identityId,
  };
  next.preInvoice = extra;
  next.crm = { ...next.crm, id: quote.crmId, seen: content, deleted: false };
  const docNo = state.siagh.id === null ? null : Number(state.siagh.id);
  const onQuote = documentNumberOn(quote, config);
  const writeBack = (): PreInvoiceWrite[] =>
    docNo !== null && onQuote === String(docNo)
      ? []
      : [{ side: 'crm', op: 'write-back', quoteId: quote.crmId, documentNo: docNo }];

  if (docNo !== null && content === extra.sent) {
    const writes = writeBack();
    if (writes.length > 0)
      return {
        ...skip(next, content, 'synced', null),
        writes,
        outcome: outcome('synced', 'siagh-to-crm', [docDiff(onQuote, docNo)]),
      };
    // Nothing to send. Our own write-back coming back is the usual reason: the quote is exactly as we left it.
    return skip(
      next,
      content,
      writtenChecksum(content, onQuote) === state.crm.written ? 'skipped-echo' : 'skipped-unchanged',
      null,
    );
  }
  if (docNo !== null && state.openConflicts.length > 0 && content === state.crm.seen) {
    return skip(next, content, 'skipped-unchanged', 'this version of the quote is already an open conflict');
  }

  // The quote must be sent (first time, or an edit): its customer must be linked first.
  const customer = fetched.customer;
  if (customer === null || customer.status === 'missing') {
    throw permanent(
      'PREINVOICE_CUSTOMER_MISSING',
      `quote ${quote.crmId}: its customer ${quote.identityId} exists neither as a linked customer nor in the CRM`,
      {
        details: { quoteId: quote.crmId, identityId: quote.identityId },
      },
    );
  }
  if (customer.status === 'unlinked') {
    next.preInvoice = { ...extra, waitingFor: customerSourceKey(quote.identityId) };
    // Not seen yet: once woken it must be processed as new.
    next.crm = { ...next.crm, seen: state.crm.seen };
    return {
      ...skip(next, content, 'waiting', null),
      outcome: outcome('waiting', 'none', [
        {
          field: 'customer',
          side: 'crm',
          before: null,
          after: quote.identityId,
          reason: 'waiting-for-customer-link',
        },
      ]),
    };
  }
  checkTotals({ ...quote, vat: numberOrUndefined((quote as Record<string, unknown>).vat) });
  const session = fetched.session;
  if (session === null) throw new Error('pre-invoice decision needs the Siagh session');
  const { header, lines } = quoteToPreInvoice(quote, customer.code, config.preInvoice);
  const full = {
    ...header,
    fiscalYear: docNo === null ? session.fiscalYear : (extra.fiscalYear ?? session.fiscalYear),
  };
  const checksum = payloadChecksum(full, lines);

  if (docNo === null) {
    next.preInvoice = {
      ...extra,
      sent: content,
      fiscalYear: session.fiscalYear,
      documentDate: session.systemDate,
    };
    next.siagh = { ...next.siagh, written: checksum };
    return {
      writes: [
        { side: 'siagh', op: 'create', quoteId: quote.crmId, header: full, lines, checksum },
        ...writeBack(),
      ],
      newState: next,
      content,
      outcome: outcome('created', 'crm-to-siagh', lineDiff(lines.length, 'create')),
      conflicts: [],
    };
  }
  if (checksum === state.siagh.written) {
    // Content moved (e.g. the CRM's own totals) but what Siagh holds would not change.
    next.preInvoice = { ...extra, sent: content };
    return { ...skip(next, content, 'synced', null), writes: writeBack() };
  }
  const finalized = fetched.document?.Finalized === true;
  if (finalized || config.preInvoice.editAfterSend === 'conflict') {
    return conflict(
      input,
      next,
      content,
      { header: full, lines },
      finalized ? 'siagh-finalized' : 'config:editAfterSend=conflict',
    );
  }
  next.preInvoice = { ...extra, sent: content };
  next.siagh = { ...next.siagh, written: checksum };
  return {
    writes: [
      { side: 'siagh', op: 'update', documentNo: docNo, header: full, lines, checksum },
      ...writeBack(),
    ],
    newState: next,
    content,
    outcome: outcome('synced', 'crm-to-siagh', lineDiff(lines.length, 'edit')),
    conflicts: [],
  };
}

function conflict(
  input: PreInvoiceInput,
  next: EntityState,
  content: string,
  wanted: unknown,
  reason: string,
): PreInvoiceDecision {
  const { state, event, fetched, now } = input;
  const conflictId = `${state.canonicalKey}:record:${event.correlationId}`;
  next.openConflicts = [
    ...state.openConflicts,
    {
      conflictId,
      field: 'record',
      crmValue: wanted,
      siaghValue: fetched.document,
      baseValue: state.preInvoice?.sent ?? null,
      policy: 'manual',
      detectedAt: now,
    },
  ];
  return {
    writes: [],
    newState: next,
    content,
    outcome: outcome('conflict', 'none', [
      { field: 'record', side: 'siagh', before: null, after: null, reason },
    ]),
    conflicts: [
      {
        conflictId,
        canonicalKey: state.canonicalKey,
        field: 'record',
        crmValue: JSON.stringify({ quote: fetched.quote, preInvoice: wanted }),
        siaghValue: JSON.stringify(fetched.document),
        baseValue: JSON.stringify({
          sentContent: state.preInvoice?.sent ?? null,
          written: state.siagh.written,
        }),
        crmTime: null,
        siaghTime: null,
        policy: 'manual',
        status: 'open',
        winner: null,
        resolvedValue: null,
        resolvedBy: null,
        detectedAt: now,
        resolvedAt: null,
      },
    ],
  };
}

/**
 * A person settled a pre-invoice conflict (by hand in Siagh, or by deciding the CRM edit does not apply):
 * the conflicted version counts as sent, so only later edits of the quote flow again.
 */
function resolve({ state, event, now }: PreInvoiceInput): PreInvoiceDecision {
  const res = parseResolution(event.resolution);
  const next = stamp(state, now);
  if (!state.openConflicts.some((c) => c.conflictId === res.conflictId)) {
    return skip(next, null, 'skipped-unchanged', `conflict ${res.conflictId} is not open`);
  }
  next.openConflicts = state.openConflicts.filter((c) => c.conflictId !== res.conflictId);
  next.preInvoice = { ...(state.preInvoice ?? emptyExtra()), sent: state.crm.seen };
  return skip(next, null, 'resolved', null);
}

const stamp = (state: EntityState, now: number): EntityState => ({
  ...state,
  version: state.version + 1,
  updatedAt: now,
  preInvoice: state.preInvoice ?? emptyExtra(),
});

const outcome = (
  status: PreInvoiceDecision['outcome']['status'],
  direction: PreInvoiceDecision['outcome']['direction'],
  fieldDiff: FieldChange[],
  note: string | null = null,
) => ({
  status,
  direction,
  fieldDiff,
  note,
});

function skip(
  newState: EntityState,
  content: string | null,
  status: PreInvoiceDecision['outcome']['status'],
  note: string | null,
): PreInvoiceDecision {
  return { writes: [], newState, content, outcome: outcome(status, 'none', [], note), conflicts: [] };
}

const docDiff = (before: string, docNo: number): FieldChange => ({
  field: 'documentNumber',
  side: 'crm',
  before: before === '' ? null : JSON.stringify(before),
  after: JSON.stringify(String(docNo)),
  reason: 'write-back',
});

const lineDiff = (lines: number, reason: string): FieldChange[] => [
  { field: 'lines', side: 'siagh', before: null, after: String(lines), reason },
];

const numberOrUndefined = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);
