import type { AuditDoc } from '../views/sync_audit/evolve';
import { jalaliTehran } from './jalali';

/** RFC 4180 quoting; a leading = + - @ is prefixed with ' so a spreadsheet never runs it as a formula. */
export function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  let s =
    typeof v === 'string'
      ? v
      : typeof v === 'number' || typeof v === 'boolean'
        ? String(v)
        : JSON.stringify(v);
  if (/^[=+\-@\t\r]/.test(s) && !/^-?\d+(\.\d+)?$/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export const csvLine = (cells: unknown[]): string => `${cells.map(csvCell).join(',')}\r\n`;

/** occurredAt is UTC (ISO 8601); occurredAtJalali the same moment in Tehran, e.g. 1404/08/29 11:30:00 +03:30. */
export const AUDIT_COLUMNS = [
  'occurredAt',
  'occurredAtJalali',
  'outcomeId',
  'correlationId',
  'canonicalKey',
  'customerNumber',
  'crmId',
  'siaghCode',
  'entityType',
  'direction',
  'status',
  'trigger',
  'changedFields',
  'attempts',
  'durationMs',
  'errorCode',
  'errorMessage',
  'sourceMessage',
  'sourceEventId',
  'note',
];

export function auditRow(d: AuditDoc): unknown[] {
  return [
    new Date(d.occurredAt).toISOString(),
    jalaliTehran(d.occurredAt),
    d.outcomeId,
    d.correlationId,
    d.canonicalKey,
    d.naturalKey ? `100-${d.naturalKey}` : '',
    d.crmId,
    d.siaghId,
    d.entityType,
    d.direction,
    d.status,
    d.trigger,
    d.changedFields.join(' '),
    d.attempts,
    d.durationMs,
    d.error?.code,
    d.error?.message,
    d.error?.sourceMessage,
    d.sourceEventId,
    d.note,
  ];
}
