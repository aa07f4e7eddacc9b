import type { Direction, OutcomeStatus } from '@siaghsync/shared/events';
import type { ProjectorEvent } from '../../events';
import type { View } from '../types';

/**
 * Outcomes over all time per direction and status: the summary's totals. Summing the hour buckets read
 * every bucket ever written on each request (a year of operation is ~130,000 of them); this is one
 * document per direction and status, about thirty in all.
 */
export interface TotalDoc {
  _id: string;
  direction: Direction;
  status: OutcomeStatus;
  count: number;
  durationMsTotal: number;
}

export const totalId = (direction: string, status: string): string => `${direction}|${status}`;

export const counterTotalsView: View<TotalDoc> = {
  name: 'counter_totals',
  keys: (e: ProjectorEvent) => (e.type === 'outcome' ? [totalId(e.data.direction, e.data.status)] : []),
  // The per-partition offset guard in the runner makes the increment count each record once.
  evolve(doc, e, id) {
    if (e.type !== 'outcome') return doc;
    const { direction, status, durationMs } = e.data;
    return {
      _id: id,
      direction,
      status,
      count: (doc?.count ?? 0) + 1,
      durationMsTotal: (doc?.durationMsTotal ?? 0) + durationMs,
    };
  },
  indexes: [],
};
