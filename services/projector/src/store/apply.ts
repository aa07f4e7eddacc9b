import { MongoBulkWriteError, type AnyBulkWriteOperation, type Db } from 'mongodb';
import { posKey, type Positioned } from '../events';
import { VIEWS } from '../views';
import type { AnyView, Positions, ViewDoc } from '../views/types';
import { collectionName, type Stored } from './collections';
import type { WriteLock } from './lock';
import { redo, replaceByJournal, type Locked } from './journal';

export interface ApplyOptions {
  views?: readonly AnyView[];
  /** Checked between view writes: lets a test stop a batch half-written, as a kill -9 would. */
  signal?: AbortSignal;
  /** Taken per write command, not per batch: a long rebuild write must not hold off the live version's. */
  lock?: WriteLock;
  /** How existing documents are rewritten: `update` (replaceOne), or `journal` for a version nobody reads yet. */
  replaceBy?: ReplaceBy;
}

export type ReplaceBy = 'update' | 'journal';

export interface ApplyStats {
  events: number;
  written: number;
  /** Wall time of the whole apply: reads, folds and the views' writes (which run side by side). */
  applyMs: number;
  /** Per view written: documents inserted and replaced, and the wall time of its writes (beside the other views'). */
  views: Record<string, ViewWriteStats>;
}

export interface ViewWriteStats {
  inserted: number;
  replaced: number;
  ms: number;
}

const CHUNK = 1000;
const REPLACE_CHUNK = 50;

async function loadDocs(db: Db, name: string, ids: string[]): Promise<Map<string, Stored<ViewDoc>>> {
  const found = new Map<string, Stored<ViewDoc>>();
  for (let i = 0; i < ids.length; i += CHUNK) {
    const docs = await db
      .collection<Stored<ViewDoc>>(name)
      .find({ _id: { $in: ids.slice(i, i + CHUNK) } })
      .toArray();
    for (const d of docs) found.set(d._id, d);
  }
  return found;
}

export interface Folded {
  docs: Stored<ViewDoc>[];
  /** Ids that existed before the batch (replace); the others are new (insert). */
  existing: Set<string>;
}

/** The stored documents a batch touches in one view (none for a stateless view). */
export interface Loaded {
  stored: Map<string, Stored<ViewDoc>>;
}

export async function loadTouched(
  db: Db,
  version: number,
  view: AnyView,
  batch: readonly Positioned[],
): Promise<Loaded> {
  const ids = view.stateless ? [] : [...new Set(batch.flatMap((p) => view.keys(p.event)))];
  return { stored: await loadDocs(db, collectionName(view.name, version), ids) };
}

/**
 * Folds a batch into the loaded documents of one view, in memory: each document's state is evolved
 * event by event and comes out once, however many events touched it. Pure and synchronous.
 */
export function foldLoaded(view: AnyView, batch: readonly Positioned[], loaded: Loaded): Folded {
  const state = new Map<string, { body: ViewDoc | null; pos: Positions }>();
  for (const [id, { _pos, ...stored }] of loaded.stored) {
    const body = view.storage ? view.storage.fromStored(stored) : stored;
    state.set(id, { body, pos: { ...(_pos ?? {}) } });
  }
  const dirty = new Set<string>();
  for (const { event, pos } of batch) {
    const pk = posKey(pos);
    for (const id of view.keys(event)) {
      let cur = state.get(id);
      if (!cur) state.set(id, (cur = { body: null, pos: {} }));
      // Idempotence: this partition's offset was already folded into the document.
      if ((cur.pos[pk] ?? -1) >= pos.offset) continue;
      const next = view.evolve(cur.body, event, id);
      if (next === null || next === cur.body) continue;
      cur.body = next;
      cur.pos[pk] = pos.offset;
      dirty.add(id);
    }
  }
  const docs: Stored<ViewDoc>[] = [];
  for (const id of dirty) {
    const { body, pos } = state.get(id)!;
    docs.push({ ...(view.storage ? view.storage.toStored(body!) : body!), _pos: pos });
  }
  return { docs, existing: new Set(loaded.stored.keys()) };
}

/** The documents a batch produces for one view, without writing them. */
export async function foldView(
  db: Db,
  version: number,
  view: AnyView,
  batch: readonly Positioned[],
): Promise<Folded> {
  return foldLoaded(view, batch, await loadTouched(db, version, view, batch));
}

const DUPLICATE_KEY = 11000;

/**
 * New documents go in with insertMany and existing ones are replaced: an insert is the cheapest write on
 * every backend (FerretDB 1.24 unpatched even scans the collection for an update by _id, see
 * scripts/stack/install.ts), and a rebuild is mostly inserts. A "new" document that
 * exists after all (the audit is written blind; a replayed batch) fails with a duplicate key and is
 * replaced instead. Existing documents are never deleted and re-inserted without the journal: a crash
 * between the two would lose state that no replay restores.
 */
export async function writeDocs(
  db: Db,
  version: number,
  name: string,
  docs: Stored<ViewDoc>[],
  existing: Set<string>,
  opts: { lock?: WriteLock | undefined; replaceBy?: ReplaceBy | undefined } = {},
): Promise<{ inserted: number; replaced: number }> {
  const { lock } = opts;
  const locked: Locked = (fn) => (lock ? lock.run(fn) : fn());
  const col = db.collection<Stored<ViewDoc>>(name);
  const fresh = docs.filter((d) => !existing.has(d._id));
  const replace = docs.filter((d) => existing.has(d._id));
  for (let i = 0; i < fresh.length; i += CHUNK) {
    const chunk = fresh.slice(i, i + CHUNK);
    try {
      await locked(() => col.insertMany(chunk, { ordered: false }));
    } catch (err) {
      if (!(err instanceof MongoBulkWriteError)) throw err;
      const raw: unknown = err.writeErrors;
      const writeErrors = (Array.isArray(raw) ? raw : [raw]) as { code: number; index: number }[];
      if (writeErrors.some((e) => e.code !== DUPLICATE_KEY)) throw err;
      for (const e of writeErrors) replace.push(chunk[e.index]!);
    }
  }
  const counts = { inserted: docs.length - replace.length, replaced: replace.length };
  if (opts.replaceBy === 'journal') {
    await replaceByJournal(db, version, name, replace, locked);
    return counts;
  }
  const ops: AnyBulkWriteOperation<Stored<ViewDoc>>[] = replace.map((d) => ({
    replaceOne: { filter: { _id: d._id }, replacement: d },
  }));
  // Small update batches: FerretDB 1.24 stalled for minutes on one update command of ~150 replacements.
  for (let i = 0; i < ops.length; i += REPLACE_CHUNK) {
    await locked(() => col.bulkWrite(ops.slice(i, i + REPLACE_CHUNK), { ordered: false }));
  }
  return counts;
}

/** Runs `fn` once the event loop has had a turn: after a write just started has reached the socket. */
const afterIo = <T>(fn: () => T): Promise<T> =>
  new Promise((resolve, reject) => {
    setImmediate(() => {
      try {
        resolve(fn());
      } catch (err) {
        reject(err instanceof Error ? err : new Error(String(err)));
      }
    });
  });

/**
 * Folds a batch (a whole flush window) into every view and writes each touched document once. The
 * first view (the audit: stateless, the largest write) is folded and its write started first; the
 * others are read and folded in memory while it is written, then written beside it: each view is its
 * own collection, and while the database works on one write node encodes the next (two cores); a
 * build (journal) writes them one after another. A
 * crash between views or inside a write leaves some documents ahead of others; the re-delivered batch
 * then skips exactly the folded ones (the `_pos` guard).
 */
export async function applyBatch(
  db: Db,
  version: number,
  batch: readonly Positioned[],
  opts: ApplyOptions = {},
): Promise<ApplyStats> {
  const began = performance.now();
  const [first, ...rest] = opts.views ?? VIEWS;
  const views: Record<string, ViewWriteStats> = {};
  if (!first) return { events: batch.length, written: 0, applyMs: 0, views };
  const write = async (view: AnyView, f: Folded): Promise<void> => {
    if (opts.signal?.aborted) throw new Error('apply aborted');
    const started = performance.now();
    const n = await writeDocs(db, version, collectionName(view.name, version), f.docs, f.existing, opts);
    views[view.name] = { ...n, ms: performance.now() - started };
  };
  // A window that failed or crashed half-way through a journaled replace is completed first.
  await redo(db, version, (fn) => (opts.lock ? opts.lock.run(fn) : fn()));
  // Reads before the first write: FerretDB answers them slowly while a write is in flight.
  const loaded: Loaded[] = [];
  for (const view of rest) loaded.push(await loadTouched(db, version, view, batch));
  const head = foldLoaded(first, batch, await loadTouched(db, version, first, batch));
  const writes: Promise<void>[] = [head.docs.length ? write(first, head) : Promise.resolve()];
  // Awaited below with the others; until then this keeps a failed write from counting as unhandled.
  void writes[0]!.catch(() => undefined);
  let written = head.docs.length;
  let failure: unknown;
  try {
    const folded: [AnyView, Folded][] = [];
    for (const [i, view] of rest.entries())
      folded.push([view, await afterIo(() => foldLoaded(view, batch, loaded[i]!))]);
    for (const [view, f] of folded) {
      if (f.docs.length === 0) continue;
      // A build's windows go one view after another: its commands share the write lock with the
      // live version's, which must not wait behind a queue of them.
      if (opts.replaceBy === 'journal') await Promise.all(writes);
      const w = write(view, f);
      void w.catch(() => undefined);
      writes.push(w);
      written += f.docs.length;
    }
  } catch (err) {
    failure = err;
  }
  // Every write started has ended (none left running into the next window) before a failure is
  // thrown: the window is then retried whole.
  const settled = await Promise.allSettled(writes);
  const err: unknown =
    failure ?? settled.find((r): r is PromiseRejectedResult => r.status === 'rejected')?.reason;
  if (err !== undefined) throw err instanceof Error ? err : new Error('view write failed', { cause: err });
  return { events: batch.length, written, applyMs: performance.now() - began, views };
}
