import { defineRoute, HttpError } from '../route';
import { snapshot } from '../../store/reader';
import { customerDetail } from '../../views/entity_mappings/queries';

export default defineRoute({
  method: 'get',
  path: '/api/entities/:canonicalKey',
  tag: 'entities',
  summary: "An entity's mapping, both systems' latest records side by side and its outcome history",
  async handle(ctx, { params }) {
    const d = await customerDetail(await snapshot(ctx.db), params.canonicalKey ?? '');
    if (!d) throw new HttpError(404, 'not-found', 'no such entity');
    return d;
  },
});
