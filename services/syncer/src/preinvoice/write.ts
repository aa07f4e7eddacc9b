import { permanent, type SyncError } from '@siaghsync/shared/errors';
import { setCrmPath } from '@siaghsync/shared/mapping/crmPath';
import type { SyncConfig } from '@siaghsync/shared/mapping/syncConfig';
import type { Systems } from '../fetch';
import type { EntityState } from '../decide/state';
import { findDocumentsOfQuote } from './fetch';
import { writtenChecksum } from './state';
import type { PreInvoiceWrite } from './types';

export interface PreInvoiceWriteResult {
  write: PreInvoiceWrite;
  documentNo: number;
  /** A create that found the document already there (our own earlier create, before a crash). */
  foundExisting: boolean;
}

// Step 5 for pre-invoices. Siagh's form 43D81 is not idempotent (the same create twice makes two
// documents): a create first looks for a document whose notes carry `CRM <quoteId>`; the create
// intent committed before it says why such a document may exist.

export async function performPreInvoiceWrites(
  systems: Systems,
  config: SyncConfig,
  writes: PreInvoiceWrite[],
): Promise<PreInvoiceWriteResult[]> {
  const results: PreInvoiceWriteResult[] = [];
  let created: number | null = null;
  for (const write of writes) {
    switch (write.op) {
      case 'create': {
        const r = await create(systems, write);
        created = r.documentNo;
        results.push(r);
        break;
      }
      case 'update':
        try {
          await systems.siagh.savePreInvoice(write.header, write.lines, write.documentNo);
        } catch (e) {
          throw isFinalizedRefusal(e) ? finalized(write.documentNo, e as SyncError) : e;
        }
        results.push({ write, documentNo: write.documentNo, foundExisting: false });
        break;
      case 'write-back': {
        const documentNo = write.documentNo ?? created;
        if (documentNo === null) throw new Error('write-back without a document number');
        const patch: Record<string, unknown> = {};
        setCrmPath(patch, config.preInvoice.documentNumberField, String(documentNo));
        await systems.crm.updateQuote(write.quoteId, patch);
        results.push({ write, documentNo, foundExisting: false });
        break;
      }
    }
  }
  return results;
}

async function create(
  systems: Systems,
  write: Extract<PreInvoiceWrite, { op: 'create' }>,
): Promise<PreInvoiceWriteResult> {
  const existing = (await findDocumentsOfQuote(systems, write.quoteId))[0];
  if (existing) {
    const documentNo = Number(existing.ShomareSanad);
    // Bring it to the content decided now (the crashed attempt may have sent an older version); a
    // finalized one is left as it is: it was ours, and it is the document.
    if (existing.Finalized !== true)
      await systems.siagh.savePreInvoice(write.header, write.lines, documentNo);
    return { write, documentNo, foundExisting: true };
  }
  const documentNo = await systems.siagh.savePreInvoice(write.header, write.lines);
  return { write, documentNo, foundExisting: false };
}

/** Siagh refuses edits of a finalized document (simulator: ErrorCode 1010, "سند قطعی شده ..."). */
export function isFinalizedRefusal(e: unknown): boolean {
  const err = e as SyncError;
  if (err?.code !== 'SIAGH_FORM_REFUSED') return false;
  const errors =
    (err.details as { errors?: { code?: unknown; description?: unknown }[] } | undefined)?.errors ?? [];
  return (
    errors.some(
      (x) => x.code === 1010 || (typeof x.description === 'string' && /قطعی/.test(x.description)),
    ) || /قطعی/.test(err.sourceMessage ?? '')
  );
}

const finalized = (documentNo: number, cause: SyncError): SyncError =>
  permanent(
    'PREINVOICE_DOCUMENT_FINALIZED',
    `Siagh pre-invoice ${documentNo} is finalized and refuses edits`,
    {
      cause,
      ...(cause.sourceMessage === undefined ? {} : { sourceMessage: cause.sourceMessage }),
      details: { documentNo },
    },
  );

/** The state once the writes are done: the document number, and what the quote now carries. */
export function applyPreInvoiceResults(
  state: EntityState,
  content: string | null,
  results: PreInvoiceWriteResult[],
): EntityState {
  const next = { ...state, crm: { ...state.crm }, siagh: { ...state.siagh } };
  for (const r of results) {
    if (r.write.op === 'create') next.siagh.id = String(r.documentNo);
    if (r.write.op === 'write-back' && content !== null)
      next.crm.written = writtenChecksum(content, String(r.documentNo));
  }
  return next;
}
