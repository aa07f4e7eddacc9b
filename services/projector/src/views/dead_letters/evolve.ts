import type { DeadLetter } from '@siaghsync/shared/events';
import type { ProjectorEvent } from '../../events';
import type { View } from '../types';

export interface Redrive {
  at: number;
  correlationId: string;
}

/** A dead letter and the redrives requested for it (read back from `work`). */
export interface DeadLetterDoc {
  _id: string;
  deadLetterId: string;
  canonicalKey: string;
  /** null while only a redrive is known (the dead letter itself not yet read): hidden by queries. */
  redriveState: 'pending' | 'redriven' | null;
  lastFailedAt: number | null;
  reasonCode: string | null;
  entityType: string | null;
  errorKind: string | null;
  message: string | null;
  sourceMessage: string | null;
  attempts: number;
  firstFailedAt: number | null;
  correlationId: string | null;
  original: { topic: string; partition: number; offset: string } | null;
  /** The WorkEvent to redrive, as JSON (its change's attributes may have keys MongoDB refuses). */
  eventJson: string | null;
  redrives: Redrive[];
}

export const deadLettersView: View<DeadLetterDoc> = {
  name: 'dead_letters',
  keys: (e: ProjectorEvent) =>
    e.type === 'dead-letter' ? [e.data.deadLetterId] : e.type === 'redrive-requested' ? [e.deadLetterId] : [],
  evolve(doc, e, id) {
    const base: DeadLetterDoc = doc ?? {
      _id: id,
      deadLetterId: id,
      canonicalKey: '',
      redriveState: null,
      lastFailedAt: null,
      reasonCode: null,
      entityType: null,
      errorKind: null,
      message: null,
      sourceMessage: null,
      attempts: 0,
      firstFailedAt: null,
      correlationId: null,
      original: null,
      eventJson: null,
      redrives: [],
    };
    let next: DeadLetterDoc;
    if (e.type === 'dead-letter') {
      const d: DeadLetter = e.data;
      next = {
        ...base,
        canonicalKey: d.canonicalKey,
        lastFailedAt: d.lastFailedAt,
        reasonCode: d.reasonCode,
        entityType: d.entityType,
        errorKind: d.errorKind,
        message: d.message,
        sourceMessage: d.sourceMessage,
        attempts: d.attempts,
        firstFailedAt: d.firstFailedAt,
        correlationId: d.correlationId,
        original: { topic: d.originalTopic, partition: d.originalPartition, offset: d.originalOffset },
        eventJson: JSON.stringify(d.event),
      };
    } else if (e.type === 'redrive-requested') {
      // The same request can come twice (a resend) from anywhere in `work`, read in any interleaving:
      // keeping the earliest time per request and the smallest key makes the result independent of the
      // order, and always returning a new document records every position in the guard whatever the order.
      const seen = base.redrives.find((r) => r.correlationId === e.correlationId);
      const redrives = [
        ...base.redrives.filter((r) => r !== seen),
        { at: seen ? Math.min(seen.at, e.routedAt) : e.routedAt, correlationId: e.correlationId },
      ].sort((a, b) => a.at - b.at || a.correlationId.localeCompare(b.correlationId));
      const canonicalKey =
        base.eventJson !== null || (base.canonicalKey !== '' && base.canonicalKey <= e.canonicalKey)
          ? base.canonicalKey
          : e.canonicalKey;
      next = { ...base, canonicalKey, redrives };
    } else {
      return doc;
    }
    const redriveState = next.eventJson === null ? null : next.redrives.length > 0 ? 'redriven' : 'pending';
    return { ...next, redriveState };
  },
  indexes: [
    { key: { redriveState: 1, lastFailedAt: -1, _id: -1 } },
    { key: { canonicalKey: 1, lastFailedAt: -1 } },
    { key: { lastFailedAt: -1, _id: -1 } },
  ],
};
