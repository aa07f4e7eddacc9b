import { z } from 'zod';
import { defineRoute } from '../route';
import { snapshot } from '../../store/reader';
import { redrive, type RedriveResult } from '../redrive';

export default defineRoute({
  method: 'post',
  path: '/api/dead-letters/redrive',
  tag: 'operator',
  operator: true,
  summary: 'Redrive several dead letters (at most 500), each answered separately',
  body: z.object({ ids: z.array(z.string().min(1).max(200)).min(1).max(500) }).strict(),
  async handle(ctx, { body }, res) {
    const v = await snapshot(ctx.db);
    const results: RedriveResult[] = [];
    // In order, one at a time: a failure half-way leaves a clear list of what was sent.
    for (const id of [...new Set(body.ids)]) results.push(await redrive(ctx, v, id));
    res.status(202);
    return { results };
  },
});
