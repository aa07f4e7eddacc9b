import { defineRoute, HttpError } from '../route';

export default defineRoute({
  method: 'post',
  path: '/api/views/rebuild',
  tag: 'operator',
  operator: true,
  summary: 'Rebuild every view from offset 0 into a new version; readers switch when it has caught up',
  async handle(ctx, _input, res) {
    if (!ctx.projector.active) {
      throw new HttpError(
        409,
        'standby',
        'this projector instance is on standby; the active instance rebuilds',
      );
    }
    res.status(202);
    return { rebuild: await ctx.projector.rebuild() };
  },
});
