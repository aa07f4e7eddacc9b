import { defineRoute } from '../route';

export default defineRoute({
  method: 'get',
  path: '/api/lag',
  tag: 'summary',
  summary: 'Consumer lag per group, topic and partition (end offset minus committed offset)',
  async handle(ctx) {
    const entries = await ctx.lag();
    const groups: Record<string, number> = {};
    for (const e of entries) groups[e.group] = (groups[e.group] ?? 0) + e.lag;
    return { groups, partitions: entries };
  },
});
