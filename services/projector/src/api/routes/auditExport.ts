import type { Response } from 'express';
import { z } from 'zod';
import { defineRoute, HttpError } from '../route';
import { snapshot, type ViewSnapshot } from '../../store/reader';
import { auditFilter, streamAudit } from '../../views/sync_audit/queries';
import { csvLine, AUDIT_COLUMNS, auditRow } from '../csv';
import { orderedRange } from '../ranges';
import { send } from '../stream';

const MAX_ROWS = 100_000;

export default defineRoute({
  method: 'get',
  path: '/api/audit/export',
  tag: 'audit',
  summary: `Export matching audit entries (at most ${MAX_ROWS}) as CSV or JSON, streamed; at most PROJECTOR_MAX_EXPORTS at once (else 429)`,
  description: `CSV columns: ${AUDIT_COLUMNS.join(', ')}. occurredAt is UTC; occurredAtJalali is the same moment as a Jalali date-time in Tehran with its offset (1404/08/29 11:30:00 +03:30).`,
  query: auditFilter
    .extend({ format: z.enum(['csv', 'json']).default('csv') })
    .strict()
    .superRefine(orderedRange),
  produces: ['text/csv'],
  async handle(ctx, { query }, res) {
    const release = ctx.exportSlots.take();
    if (!release) {
      res.setHeader('Retry-After', '10');
      throw new HttpError(
        429,
        'too-many-exports',
        `${ctx.exportSlots.max} exports are running (PROJECTOR_MAX_EXPORTS); retry when one has finished`,
      );
    }
    try {
      await stream(await snapshot(ctx.db), query, res);
    } finally {
      release();
    }
    return undefined;
  },
});

type ExportQuery = z.infer<typeof auditFilter> & { format: 'csv' | 'json' };

async function stream(v: ViewSnapshot, { format, ...filter }: ExportQuery, res: Response): Promise<void> {
  const cursor = streamAudit(v, filter, MAX_ROWS);
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  res.setHeader('Content-Disposition', `attachment; filename="sync-audit-${stamp}.${format}"`);
  try {
    if (await rows(cursor, format, res)) res.end();
  } finally {
    await cursor.close();
  }
}

/** False when the client went away before the last row. */
async function rows(
  cursor: ReturnType<typeof streamAudit>,
  format: 'csv' | 'json',
  res: Response,
): Promise<boolean> {
  if (format === 'csv') {
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    // The BOM makes spreadsheet programs read the Persian text as UTF-8.
    if (!(await send(res, `\uFEFF${csvLine(AUDIT_COLUMNS)}`))) return false;
    for await (const d of cursor) if (!(await send(res, csvLine(auditRow(d))))) return false;
    return true;
  }
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  if (!(await send(res, '['))) return false;
  let first = true;
  for await (const d of cursor) {
    if (!(await send(res, `${first ? '' : ','}\n${JSON.stringify(d)}`))) return false;
    first = false;
  }
  return send(res, '\n]\n');
}
