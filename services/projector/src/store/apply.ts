import type { AnyBulkWriteOperation, Db } from 'mongodb';
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

/** The documents a batch produces for one view, without writing them (the benchmark's baseline reuses it). */
export async function foldView(db: Db, version: number, view: AnyView, batch: readonly Positioned[]): Promise<Stored<ViewDoc>[]> {
  const touched = new Map<string, Stored<ViewDoc> | null>();
  const dirty = new Set<string>();
  if (!view.stateless) {
    const ids = [...new Set(batch.flatMap((p) => view.keys(p.event)))];
    if (ids.length === 0) return [];
    const loaded = await loadDocs(db, collectionName(view.name, version), ids);
    for (const id of ids) touched.set(id, loaded.get(id) ?? null);
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
  return [...dirty].map((id) => touched.get(id)).filter((d): d is Stored<ViewDoc> => d != null);
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
    const docs = await foldView(db, version, view, batch);
    if (docs.length === 0) continue;
    const ops: AnyBulkWriteOperation<Stored<ViewDoc>>[] = docs.map((d) => ({
      replaceOne: { filter: { _id: d._id }, replacement: d, upsert: true },
    }));
    for (let i = 0; i < ops.length; i += CHUNK) {
      await db.collection<Stored<ViewDoc>>(collectionName(view.name, version)).bulkWrite(ops.slice(i, i + CHUNK), { ordered: false });
    }
    written += docs.length;
  }
  return { events: batch.length, written };
}
