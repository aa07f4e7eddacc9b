import { z } from 'zod';
import { defineRoute, HttpError } from '../route';
import { snapshot } from '../../store/reader';
import { entityLineage } from '../../views/lineage/queries';

export default defineRoute({
  method: 'get',
  path: '/api/entities/:canonicalKey/lineage',
  tag: 'entities',
  summary:
    'Why is this value here: per field and side, the outcome or edit that set the current value, and when',
  query: z.object({ field: z.string().max(100).optional() }).strict(),
  async handle(ctx, { params, query }) {
    const d = await entityLineage(await snapshot(ctx.db), params.canonicalKey ?? '', query.field);
    if (!d) throw new HttpError(404, 'not-found', 'no lineage for this entity');
    return d;
  },
});
