import { defineRoute } from '../route';
import { snapshot } from '../../store/reader';
import { importQuery, importResult } from '../../views/sync_audit/imports';

export default defineRoute({
  method: 'get',
  path: '/api/imports/summary',
  tag: 'summary',
  summary:
    'What an import did, from its outcomes and conflicts: pairs linked (identical, differing, differing fields), creates and updates per side, conflicts open and settled by policy, dead letters, and how many of its events are decided; the numbers of `syncctl backfill --dry-run`, as the syncer decided them',
  query: importQuery,
  async handle(ctx, { query }) {
    return importResult(await snapshot(ctx.db), query.correlationId);
  },
});
