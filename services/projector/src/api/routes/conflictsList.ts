import { defineRoute } from '../route';
import { snapshot } from '../../store/reader';
import { conflictQuery, listConflicts } from '../../views/conflicts/queries';

export default defineRoute({
  method: 'get',
  path: '/api/conflicts',
  tag: 'conflicts',
  summary:
    'Conflicts (open, resolving, auto-resolved, resolved) with both values, the base, the policy and who resolved them',
  query: conflictQuery,
  async handle(ctx, { query }) {
    return listConflicts(await snapshot(ctx.db), query);
  },
});
