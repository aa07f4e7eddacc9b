import type { Direction, OutcomeStatus } from '@siaghsync/shared/events';
import type { ProjectorEvent } from '../../events';
import type { View } from '../types';

export type Granularity = 'minute' | 'hour';
export const BUCKET_MS: Record<Granularity, number> = { minute: 60_000, hour: 3_600_000 };

/** Outcomes per bucket of EVENT time (occurredAt), so a rebuild reproduces the same buckets. */
export interface CounterDoc {
  _id: string;
  granularity: Granularity;
  bucket: number;
  direction: Direction;
  status: OutcomeStatus;
  count: number;
  durationMsTotal: number;
}

export const bucketStart = (at: number, g: Granularity): number =>
  Math.floor(at / BUCKET_MS[g]) * BUCKET_MS[g];

export const counterId = (g: Granularity, bucket: number, direction: string, status: string): string =>
  `${g}|${bucket}|${direction}|${status}`;

export const countersView: View<CounterDoc> = {
  name: 'counters',
  keys(e: ProjectorEvent) {
    if (e.type !== 'outcome') return [];
    const { occurredAt, direction, status } = e.data;
    return (['minute', 'hour'] as const).map((g) =>
      counterId(g, bucketStart(occurredAt, g), direction, status),
    );
  },
  // The per-partition offset guard in the runner makes the increment count each record once.
  evolve(doc, e, id) {
    if (e.type !== 'outcome') return doc;
    const granularity = id.startsWith('minute|') ? 'minute' : 'hour';
    const { occurredAt, direction, status, durationMs } = e.data;
    return {
      _id: id,
      granularity,
      bucket: bucketStart(occurredAt, granularity),
      direction,
      status,
      count: (doc?.count ?? 0) + 1,
      durationMsTotal: (doc?.durationMsTotal ?? 0) + durationMs,
    };
  },
  indexes: [{ key: { granularity: 1, bucket: 1 } }],
};
