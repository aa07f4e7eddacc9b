import { defineRoute } from '../route';

export default defineRoute({
  method: 'get',
  path: '/api/freshness',
  tag: 'summary',
  summary:
    'How far behind the sync is: oldest unsynced live and import change (s), stalled lanes, per syncer instance (SYNCER_URLS)',
  handle: (ctx) => ctx.freshness(),
});
