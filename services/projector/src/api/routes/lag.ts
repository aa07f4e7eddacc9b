import { defineRoute } from '../route';

export default defineRoute({
  method: 'get',
  path: '/api/lag',
  tag: 'summary',
  summary:
    'Every consumer group of the deployment: state, members, lag, how long it has been behind and its stalled partitions; lag per partition',
  handle: (ctx) => ctx.lag(),
});
