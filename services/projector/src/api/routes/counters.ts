import { defineRoute } from '../route';
import { snapshot } from '../../store/reader';
import { counterQuery, counterSeries } from '../../views/counters/queries';

export default defineRoute({
  method: 'get',
  path: '/api/counters',
  tag: 'summary',
  summary: 'Outcomes per minute or hour (event time): totals, failures and failure rate, per status',
  query: counterQuery,
  async handle(ctx, { query }) {
    return counterSeries(await snapshot(ctx.db), query);
  },
});
