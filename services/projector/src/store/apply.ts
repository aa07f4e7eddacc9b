import { MongoBulkWriteError, type AnyBulkWriteOperation, type Db } from 'mongodb';
import { posKey, type Positioned } from '../events';
import { VIEWS } from '../views';
import type { AnyView, ViewDoc } from '../views/types';
import { collectionName, type Stored } from './collections';

export interface ApplyOptions {
  views?: readonly AnyView[];
  /** Checked between view writes: lets a test stop a batch half-written, as a kill -9 would. */
  signal?: AbortSignal;
}

export interface ApplyStats {
  events: number;
  written: number;
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

/** The documents a batch produces for one view, without writing them (the benchmark's baseline reuses it). */
export async function foldView(db: Db, version: number, view: AnyView, batch: readonly Positioned[]): Promise<Folded> {
  const existing = new Set<string>();
  const touched = new Map<string, Stored<ViewDoc> | null>();
  const dirty = new Set<string>();
  if (!view.stateless) {
    const ids = [...new Set(batch.flatMap((p) => view.keys(p.event)))];
    if (ids.length === 0) return { docs: [], existing };
    const loaded = await loadDocs(db, collectionName(view.name, version), ids);
    for (const id of ids) touched.set(id, loaded.get(id) ?? null);
    for (const id of loaded.keys()) existing.add(id);
  }
  for (const { event, pos } of batch) {
    const pk = posKey(pos);
    for (const id of view.keys(event)) {
      const cur = touched.get(id) ?? null;
      // Idempotence: this partition's offset was already folded into the document.
      if (cur?._pos?.[pk] !== undefined && cur._pos[pk] >= pos.offset) continue;
      const { _pos, ...body } = cur ?? { _pos: undefined };
      const next = view.evolve(cur ? (body as ViewDoc) : null, event, id);
      if (next === null || next === body) continue;
      touched.set(id, { ...next, _pos: { ...(_pos ?? {}), [pk]: pos.offset } });
      dirty.add(id);
    }
  }
  return { docs: [...dirty].map((id) => touched.get(id)).filter((d): d is Stored<ViewDoc> => d != null), existing };
}

const DUPLICATE_KEY = 11000;

/**
 * New documents go in with insertMany and existing ones are replaced one by one: on FerretDB an
 * update costs ~4 ms per document where an insert costs ~0.3 ms, and a rebuild is mostly inserts.
 * A "new" document that exists after all (the audit is written blind; a replayed batch) fails
 * with a duplicate key and is replaced instead. Never delete-then-insert: a crash between the two
 * would lose state that no replay restores.
 */
export async function writeDocs(db: Db, name: string, docs: Stored<ViewDoc>[], existing: Set<string>): Promise<void> {
  const col = db.collection<Stored<ViewDoc>>(name);
  const fresh = docs.filter((d) => !existing.has(d._id));
  const replace = docs.filter((d) => existing.has(d._id));
  for (let i = 0; i < fresh.length; i += CHUNK) {
    const chunk = fresh.slice(i, i + CHUNK);
    try {
      await col.insertMany(chunk, { ordered: false });
    } catch (err) {
      if (!(err instanceof MongoBulkWriteError)) throw err;
      const raw: unknown = err.writeErrors;
      const writeErrors = (Array.isArray(raw) ? raw : [raw]) as { code: number; index: number }[];
      if (writeErrors.some((e) => e.code !== DUPLICATE_KEY)) throw err;
      for (const e of writeErrors) replace.push(chunk[e.index]!);
    }
  }
  const ops: AnyBulkWriteOperation<Stored<ViewDoc>>[] = replace.map((d) => ({
    replaceOne: { filter: { _id: d._id }, replacement: d },
  }));
  // Small update batches: FerretDB 1.24 stalled for minutes on one update command of ~150 replacements.
  for (let i = 0; i < ops.length; i += REPLACE_CHUNK) await col.bulkWrite(ops.slice(i, i + REPLACE_CHUNK), { ordered: false });
}

/**
 * Folds a batch into every view: per view one read of the touched documents and one unordered
 * bulkWrite. A crash between views or inside a bulkWrite leaves some documents ahead of others;
 * the re-delivered batch then skips exactly the folded ones (the `_pos` guard).
 */
export async function applyBatch(db: Db, version: number, batch: readonly Positioned[], opts: ApplyOptions = {}): Promise<ApplyStats> {
  let written = 0;
  for (const view of opts.views ?? VIEWS) {
    if (opts.signal?.aborted) throw new Error('apply aborted');
    const { docs, existing } = await foldView(db, version, view, batch);
    if (docs.length === 0) continue;
    await writeDocs(db, collectionName(view.name, version), docs, existing);
    written += docs.length;
  }
  return { events: batch.length, written };
}
