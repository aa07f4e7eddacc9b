import { defineRoute } from '../route';
import { snapshot } from '../../store/reader';
import { deadLetterQuery, listDeadLetters } from '../../views/dead_letters/queries';

export default defineRoute({
  method: 'get',
  path: '/api/dead-letters',
  tag: 'dead letters',
  summary: "Dead letters with their reason (English code and the system's own message) and redrive state",
  query: deadLetterQuery,
  async handle(ctx, { query }) {
    return listDeadLetters(await snapshot(ctx.db), query);
  },
});
