import { defineRoute } from '../route';
import { snapshot } from '../../store/reader';
import { auditQuery, searchAudit } from '../../views/sync_audit/queries';

export default defineRoute({
  method: 'get',
  path: '/api/audit',
  tag: 'audit',
  summary: 'Search the audit trail (one entry per outcome), newest first, with cursor pagination',
  query: auditQuery,
  async handle(ctx, { query }) {
    const { limit, cursor, ...filter } = query;
    return searchAudit(await snapshot(ctx.db), filter, limit, cursor);
  },
});
