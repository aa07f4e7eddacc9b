// The CRM refuses business rule violations with `{success:false, message}` (HTTP 200 or 4xx) and a
// Persian message. We give the ones the pipeline must tell apart a stable code; the text is kept.

import { permanent, type SyncError } from '../errors';

const RULES: { code: string; test: RegExp; reason: string }[] = [
  {
    code: 'CRM_DUPLICATE_CUSTOMER_NUMBER',
    test: /(شماره|کد) ?مشتری.*تکراری|customer ?(number|no).*(duplicate|exist)/i,
    reason: 'customer number already used by another identity',
  },
  { code: 'CRM_NOT_FOUND', test: /یافت نشد|not found/i, reason: 'no such record' },
  {
    code: 'CRM_VALIDATION',
    test: /الزامی|نامعتبر|required|invalid/i,
    reason: 'a field is missing or invalid',
  },
];

/** A `{success:false}` answer as a permanent SyncError; the CRM's message goes in sourceMessage. */
export function crmRefusal(message: string | null | undefined, path: string): SyncError {
  const text = message ?? '';
  const rule = RULES.find((r) => r.test.test(text));
  const code = rule?.code ?? 'CRM_REFUSED';
  return permanent(code, `CRM refused ${path}: ${rule?.reason ?? 'unrecognised refusal'}`, {
    sourceMessage: text,
    details: { path },
  });
}

/** Message of a CRM error body (`{message}` or `{Message}`), for the HTTP layer. */
export function crmMessageOf(json: unknown): string | undefined {
  if (typeof json !== 'object' || json === null) return undefined;
  const m =
    (json as { message?: unknown; Message?: unknown }).message ?? (json as { Message?: unknown }).Message;
  return typeof m === 'string' && m !== '' ? m : undefined;
}
