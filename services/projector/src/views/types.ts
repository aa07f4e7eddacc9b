import type { IndexDescription } from 'mongodb';
import type { ProjectorEvent } from '../events';

export const VIEW_NAMES = [
  'sync_audit',
  'entity_mappings',
  'conflicts',
  'dead_letters',
  'counters',
  'lineage',
  'pending',
] as const;
export type ViewName = (typeof VIEW_NAMES)[number];

/** Per source partition, the highest offset folded into a document: the idempotence guard. */
export type Positions = Record<string, number>;

export interface ViewDoc {
  _id: string;
}

/**
 * A view is a pure fold (emmett's evolve): the runner loads the documents an event touches, folds the
 * event in and writes them back. `evolve` must not depend on the interleaving of different streams
 * (a rebuild reads partitions in another order than live traffic did), only on the order within one.
 */
export interface View<D extends ViewDoc> {
  name: ViewName;
  /** Ids of the documents this event touches; empty when the view ignores it. */
  keys(event: ProjectorEvent): string[];
  evolve(doc: D | null, event: ProjectorEvent, id: string): D | null;
  /** A document is a function of the one latest event: no read before write (the audit). */
  stateless?: boolean;
  indexes: IndexDescription[];
}

export type AnyView = View<ViewDoc>;
