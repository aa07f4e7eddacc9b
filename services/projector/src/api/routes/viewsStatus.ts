import { defineRoute } from '../route';
import { readAlias, readBuilds } from '../../store/collections';

export default defineRoute({
  method: 'get',
  path: '/api/views',
  tag: 'views',
  summary: 'Which view version is live, every build and the progress of a running rebuild',
  async handle(ctx) {
    const alias = await readAlias(ctx.db);
    const builds = (await readBuilds(ctx.db)).map(({ progress: _p, targets: _t, ...b }) => b);
    return {
      live: alias?.version ?? null,
      switchedAt: alias?.switchedAt ?? null,
      rebuild: ctx.projector.progress(),
      builds,
    };
  },
});
