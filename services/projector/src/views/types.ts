import type { IndexDescription } from 'mongodb';
import type { ProjectorEvent } from '../events';

export const VIEW_NAMES = [
  'sync_audit',
  'entity_mappings',
  'conflicts',
  'dead_letters',
  'counters',
  'counter_totals',
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
  /**
   * How a document is stored, when not as it is folded. FerretDB (the local stack's database) keeps a
   * document as JSON with a type entry for every key, and what a write costs it grows with the keys,
   * not the bytes: a deep part that is only ever read whole is cheaper stored as one JSON string.
   */
  storage?: ViewStorage<D>;
  /**
   * Raised when what a document holds changes (a new field, a new meaning): the live version was built
   * by the older fold, so its documents differ from what a rebuild would write, and the projector
   * rebuilds the views at start-up (blue/green) instead of mixing both forms. 1 when absent.
   */
  revision?: number;
}

export interface ViewStorage<D extends ViewDoc> {
  toStored(doc: D): ViewDoc;
  /** Also given documents written before the view had a storage form: it must read both. */
  fromStored(stored: ViewDoc): D;
}

export type AnyView = View<ViewDoc>;
