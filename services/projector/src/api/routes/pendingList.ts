import { defineRoute } from '../route';
import { snapshot } from '../../store/reader';
import { listPending, pendingQuery } from '../../views/pending/queries';

export default defineRoute({
  method: 'get',
  path: '/api/pending',
  tag: 'pending',
  summary:
    'Work that waits, from the entity state: parked and retrying customers (since when, why, next attempt) and quotes waiting for a customer link, oldest first, with counts per state',
  query: pendingQuery,
  async handle(ctx, { query }) {
    return listPending(await snapshot(ctx.db), query, ctx.parkRetryMs);
  },
});
