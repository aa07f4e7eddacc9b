import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { ConflictResolution } from '@siaghsync/shared/events';
import { resolutionValueProblem } from '@siaghsync/shared/operator/resolution';
import { defineRoute, HttpError } from '../route';
import { snapshot } from '../../store/reader';
import { getConflict } from '../../views/conflicts/queries';

export default defineRoute({
  method: 'post',
  path: '/api/conflicts/:conflictId/resolve',
  tag: 'operator',
  operator: true,
  summary: 'Resolve an open conflict: produces a resolution work event the syncer applies in order',
  body: z
    .object({
      choice: z.enum(['crm', 'siagh', 'value']),
      value: z
        .string()
        .max(2000)
        .optional()
        .describe(
          'required when choice is value: JSON the field holds ("text" in quotes, or true/false for active)',
        ),
      resolvedBy: z.string().trim().min(1).max(100).default('operator'),
    })
    .strict()
    .refine((b) => b.choice !== 'value' || b.value !== undefined, {
      message: 'value is required when choice is value',
      path: ['value'],
    }),
  async handle(ctx, { params, body }, res) {
    const c = await getConflict(await snapshot(ctx.db), params.conflictId ?? '');
    if (!c || !c.conflict) throw new HttpError(404, 'not-found', 'no such conflict');
    if (c.state !== 'open') throw new HttpError(409, 'not-open', `the conflict is ${c.state}`);
    // Checked against the conflict's field before anything is sent: the syncer would dead-letter it.
    if (body.choice === 'value') {
      const problem = resolutionValueProblem(c.conflict.field, body.value);
      if (problem !== null) throw new HttpError(400, 'invalid-value', problem);
    }
    const correlationId = randomUUID();
    const now = Date.now();
    const resolution: ConflictResolution = {
      resolutionId: randomUUID(),
      conflictId: c.conflictId,
      canonicalKey: c.canonicalKey,
      field: c.conflict.field,
      choice: body.choice,
      value:
        body.choice === 'value'
          ? (body.value ?? null)
          : body.choice === 'crm'
            ? c.conflict.crmValue
            : c.conflict.siaghValue,
      resolvedBy: body.resolvedBy,
      resolvedAt: now,
      correlationId,
    };
    await ctx.sendWork({
      canonicalKey: c.canonicalKey,
      kind: 'resolution',
      routeReason: 'direct',
      routedAt: now,
      correlationId,
      change: null,
      resolution: JSON.stringify(resolution),
      redriveOf: null,
    });
    ctx.logger.info(
      { correlationId, conflictId: c.conflictId, choice: body.choice, resolvedBy: body.resolvedBy },
      'conflict resolution sent',
    );
    res.status(202);
    return { accepted: true, resolutionId: resolution.resolutionId, correlationId };
  },
});
