import { z } from 'zod';
import { defineRoute } from '../route';
import { snapshot } from '../../store/reader';
import { auditFilter, streamAudit } from '../../views/sync_audit/queries';
import { csvLine, AUDIT_COLUMNS, auditRow } from '../csv';

const MAX_ROWS = 100_000;

export default defineRoute({
  method: 'get',
  path: '/api/audit/export',
  tag: 'audit',
  summary: `Export matching audit entries (at most ${MAX_ROWS}) as CSV or JSON, streamed`,
  query: auditFilter.extend({ format: z.enum(['csv', 'json']).default('csv') }).strict(),
  produces: ['text/csv'],
  async handle(ctx, { query }, res) {
    const { format, ...filter } = query;
    const cursor = streamAudit(await snapshot(ctx.db), filter, MAX_ROWS);
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    res.setHeader('Content-Disposition', `attachment; filename="sync-audit-${stamp}.${format}"`);
    if (format === 'csv') {
      res.setHeader('Content-Type', 'text/csv; charset=utf-8');
      // The BOM makes spreadsheet programs read the Persian text as UTF-8.
      res.write(`\uFEFF${csvLine(AUDIT_COLUMNS)}`);
      for await (const d of cursor) res.write(csvLine(auditRow(d)));
    } else {
      res.setHeader('Content-Type', 'application/json; charset=utf-8');
      res.write('[');
      let first = true;
      for await (const d of cursor) {
        res.write(`${first ? '' : ','}\n${JSON.stringify(d)}`);
        first = false;
      }
      res.write('\n]\n');
    }
    res.end();
    return undefined;
  },
});
