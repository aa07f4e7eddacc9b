import { defineRoute } from '../route';
import { snapshot } from '../../store/reader';
import { customerSearchQuery, searchCustomers } from '../../views/entity_mappings/queries';

export default defineRoute({
  method: 'get',
  path: '/api/entities',
  tag: 'entities',
  summary: 'Find linked pairs by customer number, CRM id, Siagh code or canonical key',
  query: customerSearchQuery,
  async handle(ctx, { query }) {
    return { items: await searchCustomers(await snapshot(ctx.db), query.q) };
  },
});
