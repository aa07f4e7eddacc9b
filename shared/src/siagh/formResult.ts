// SaveFormData answers HTTP 200 even when it refused the write: ReturnValue:false with ErrError entries
// in Errors[]. This is the one place that turns such an answer into a typed error; nothing else may
// look at ReturnValue. The Persian description is kept verbatim in sourceMessage for the audit.

import { permanent, type SyncError } from '../errors';
import type { SaveFormResponse, SiaghFormError } from './schemas';

const RULES: { code: string; test: (e: SiaghFormError) => boolean; reason: string }[] = [
  {
    code: 'SIAGH_DUPLICATE_PHONE',
    test: (e) => /شماره\s*تلفن\s*نمی\s*‌?\s*تواند\s*تکراری/.test(e.Description ?? ''),
    reason: 'the phone number is already used by another contact',
  },
  {
    code: 'SIAGH_INVALID_ROW_PRICE',
    test: (e) =>
      e.ColName?.toLowerCase() === 'price' || /(قیمت|مبلغ ردیف)\s.*نامعتبر/.test(e.Description ?? ''),
    reason: 'a pre-invoice line has an invalid price',
  },
  {
    code: 'SIAGH_NOT_FOUND',
    test: (e) => e.ColName?.toLowerCase() === 'codemain' && /یافت نشد/.test(e.Description ?? ''),
    reason: 'the record to update does not exist',
  },
];

const isError = (e: SiaghFormError) => e.ErrorType !== 'ErrSuccs';

/** The typed error for a refused form; undefined when the answer is a success. */
export function formRefusal(res: SaveFormResponse, formId: string): SyncError | undefined {
  if (res.ReturnValue) return undefined;
  const errors = (res.Errors ?? []).filter(isError);
  const sourceMessage =
    errors
      .map((e) => e.Description ?? '')
      .filter(Boolean)
      .join(' | ') || undefined;
  const details = {
    formId,
    errors: errors.map((e) => ({
      column: e.ColName ?? null,
      code: e.ErrorCode ?? null,
      description: e.Description ?? null,
    })),
  };
  for (const rule of RULES) {
    const hit = errors.find(rule.test);
    if (hit) {
      const column = hit.ColName ? ` (${hit.ColName})` : '';
      return permanent(rule.code, `Siagh form ${formId} refused: ${rule.reason}${column}`, {
        ...(sourceMessage === undefined ? {} : { sourceMessage }),
        details,
      });
    }
  }
  return permanent(
    'SIAGH_FORM_REFUSED',
    `Siagh form ${formId} refused the save${errors.length ? '' : ' without saying why'}`,
    {
      ...(sourceMessage === undefined ? {} : { sourceMessage }),
      details,
    },
  );
}

/** Message of a Siagh HTTP error body (`{Message}`), for the HTTP layer. */
export function siaghMessageOf(json: unknown): string | undefined {
  if (typeof json !== 'object' || json === null) return undefined;
  const m =
    (json as { Message?: unknown; message?: unknown }).Message ?? (json as { message?: unknown }).message;
  return typeof m === 'string' && m !== '' ? m : undefined;
}
