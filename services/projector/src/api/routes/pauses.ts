import { z } from 'zod';
import { pauseScopeSchema, type PauseFlag } from '@siaghsync/shared/operator/pause';
import { defineRoute, type ApiContext } from '../route';

// Pause and resume the syncer's writes (shared/src/operator/pause.ts): a signed flag per scope in the
// `control` topic. Answered once Kafka acknowledged it; the syncers apply it within their table lag.

const flagBody = z
  .object({
    scope: pauseScopeSchema.describe('all, crm, siagh (writes to that side) or customer:<number>'),
    reason: z.string().trim().min(1).max(500).optional(),
    by: z.string().trim().min(1).max(100).default('operator'),
  })
  .strict();

async function send(ctx: ApiContext, body: z.infer<typeof flagBody>, paused: boolean): Promise<PauseFlag> {
  const flag: PauseFlag = {
    scope: body.scope,
    paused,
    reason: body.reason ?? null,
    by: body.by,
    at: Date.now(),
  };
  await ctx.sendPause(flag);
  ctx.logger.info(
    { scope: flag.scope, paused, by: flag.by, reason: flag.reason },
    paused ? 'writes paused' : 'writes resumed',
  );
  return flag;
}

export const pauseRoute = defineRoute({
  method: 'post',
  path: '/api/pause',
  tag: 'operator',
  operator: true,
  summary:
    'Pause the writes of a scope: events keep being consumed and wait, in order, per entity, until resumed (lasts across restarts)',
  body: flagBody,
  async handle(ctx, { body }, res) {
    res.status(202);
    return send(ctx, body, true);
  },
});

export const resumeRoute = defineRoute({
  method: 'post',
  path: '/api/resume',
  tag: 'operator',
  operator: true,
  summary: 'Lift the pause of a scope: the entities that waited on it are taken up again, in order',
  body: flagBody,
  async handle(ctx, { body }, res) {
    res.status(202);
    return send(ctx, body, false);
  },
});

export const pausesList = defineRoute({
  method: 'get',
  path: '/api/pauses',
  tag: 'summary',
  summary: 'The pauses in force, as the syncers read them (SYNCER_URLS)',
  handle: async (ctx) => ({ paused: (await ctx.freshness()).paused }),
});
