import { defineRoute, HttpError } from '../route';
import { snapshot } from '../../store/reader';
import { getOutcome } from '../../views/sync_audit/queries';

export default defineRoute({
  method: 'get',
  path: '/api/audit/:outcomeId',
  tag: 'audit',
  summary: 'One audit entry with its snapshots (source, target before and after) and field diff',
  async handle(ctx, { params }) {
    const d = await getOutcome(await snapshot(ctx.db), params.outcomeId ?? '');
    if (!d) throw new HttpError(404, 'not-found', 'no such outcome');
    const parse = (s: string | null): unknown => {
      try {
        return s ? (JSON.parse(s) as unknown) : null;
      } catch {
        return s;
      }
    };
    return {
      ...d,
      sourceSnapshot: parse(d.sourceSnapshot),
      targetBefore: parse(d.targetBefore),
      targetAfter: parse(d.targetAfter),
    };
  },
});
