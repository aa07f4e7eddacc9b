import type {
  Conflict,
  ConflictResolution,
  DeadLetter,
  EntityStateRecord,
  SyncOutcome,
} from '@siaghsync/shared/events';

/**
 * What the views consume: the syncer's records, plus the operator requests read back from `work`
 * (so "resolution requested" and "redriven" are part of the log and survive a rebuild).
 */
export type ProjectorEvent =
  | { type: 'outcome'; data: SyncOutcome }
  | { type: 'conflict'; data: Conflict }
  | { type: 'dead-letter'; data: DeadLetter }
  | { type: 'entity-state'; key: string; data: EntityStateRecord | null }
  | { type: 'resolution-requested'; data: ConflictResolution; routedAt: number; correlationId: string }
  | {
      type: 'redrive-requested';
      deadLetterId: string;
      canonicalKey: string;
      routedAt: number;
      correlationId: string;
    };

/** The streams the projector reads; their names are also the keys of per-partition positions. */
export const STREAMS = ['outcomes', 'conflicts', 'dead-letters', 'entity-state', 'work'] as const;
export type Stream = (typeof STREAMS)[number];

export interface Position {
  stream: Stream;
  partition: number;
  offset: number;
}

export interface Positioned {
  event: ProjectorEvent;
  pos: Position;
}

/** `outcomes:3`: MongoDB keys may not contain dots, topic names do. */
export const posKey = (p: { stream: Stream; partition: number }): string => `${p.stream}:${p.partition}`;
