import { defineRoute, HttpError } from '../route';
import { snapshot } from '../../store/reader';
import { redrive } from '../redrive';

export default defineRoute({
  method: 'post',
  path: '/api/dead-letters/:deadLetterId/redrive',
  tag: 'operator',
  operator: true,
  summary: 'Redrive one dead letter: its original event goes back to the work topic',
  async handle(ctx, { params }, res) {
    const r = await redrive(ctx, await snapshot(ctx.db), params.deadLetterId ?? '');
    if (!r.accepted && r.reason === 'unsigned-operator-event')
      throw new HttpError(
        409,
        r.reason,
        'a forged operator event is never redriven: resolve or redrive the original',
      );
    if (!r.accepted) throw new HttpError(404, r.reason, 'no such dead letter');
    res.status(202);
    return r;
  },
});
