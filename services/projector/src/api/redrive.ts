import { randomUUID } from 'node:crypto';
import type { WorkEvent } from '@siaghsync/shared/events';
import type { ViewSnapshot } from '../store/reader';
import { getDeadLetter } from '../views/dead_letters/queries';
import type { ApiContext } from './route';

export type RedriveResult =
  | { deadLetterId: string; accepted: true; correlationId: string }
  | { deadLetterId: string; accepted: false; reason: string };

/** The dead letter's original work event goes back to `work` as a redrive, keyed by its canonical key. */
export async function redrive(
  ctx: ApiContext,
  v: ViewSnapshot,
  deadLetterId: string,
): Promise<RedriveResult> {
  const d = await getDeadLetter(v, deadLetterId);
  if (!d || !d.eventJson) return { deadLetterId, accepted: false, reason: 'not-found' };
  // A forged operator event: redriving it would sign it with our key and make the syncer apply it.
  if (d.reasonCode === 'unsigned-operator-event')
    return { deadLetterId, accepted: false, reason: 'unsigned-operator-event' };
  const original = JSON.parse(d.eventJson) as WorkEvent;
  const correlationId = randomUUID();
  await ctx.sendWork({
    ...original,
    kind: 'redrive',
    redriveOf: deadLetterId,
    routedAt: Date.now(),
    correlationId,
    canonicalKey: d.canonicalKey,
  });
  ctx.logger.info({ correlationId, deadLetterId, canonicalKey: d.canonicalKey }, 'dead letter redriven');
  return { deadLetterId, accepted: true, correlationId };
}
