import type { Collection, Db } from 'mongodb';
import type { ViewDoc } from '../views/types';
import type { Stored } from './collections';

/** A write under the projector's WriteLock (or bare, in tests). */
export type Locked = <T>(fn: () => Promise<T>) => Promise<T>;

interface Entry {
  _id: string;
  collection: string;
  doc: Stored<ViewDoc>;
}

const CHUNK = 1000;

export const journalName = (version: number): string => `journal__v${version}`;

async function put(col: Collection<Stored<ViewDoc>>, docs: Stored<ViewDoc>[], locked: Locked): Promise<void> {
  for (let i = 0; i < docs.length; i += CHUNK) {
    const chunk = docs.slice(i, i + CHUNK);
    await locked(() => col.deleteMany({ _id: { $in: chunk.map((d) => d._id) } }));
    await locked(() => col.insertMany(chunk, { ordered: false }));
  }
}

/**
 * Replaces documents of a version nobody reads yet (a build) by delete + insert. On FerretDB 1.24
 * (SQLite) every update scans its collection while one delete of a thousand ids scans it once, so a
 * rebuild's later windows, which rewrite what earlier ones wrote, would otherwise cost a scan per
 * document. The new documents are journaled first: a crash between the delete and the insert loses
 * nothing, redo() puts every journaled document back before the next window is read.
 * Not for the live version: a reader could miss a document between its delete and its insert.
 */
export async function replaceByJournal(
  db: Db,
  version: number,
  collection: string,
  docs: Stored<ViewDoc>[],
  locked: Locked,
): Promise<void> {
  if (docs.length === 0) return;
  const journal = db.collection<Entry>(journalName(version));
  for (let i = 0; i < docs.length; i += CHUNK) {
    const entries = docs
      .slice(i, i + CHUNK)
      .map((doc) => ({ _id: `${collection}/${doc._id}`, collection, doc }));
    await locked(() => journal.insertMany(entries, { ordered: false }));
  }
  await put(db.collection(collection), docs, locked);
  // This collection's entries only: another view of the same window may still be between its delete
  // and its insert, protected by its own entries.
  await locked(() => journal.deleteMany({ collection }));
}

/**
 * Writes back what a crashed or failed window left in the journal (each entry is a complete new
 * version of its document: any subset of a window's documents is a state the re-delivered window
 * continues from, through the `_pos` guard). One read of an empty collection when there is nothing.
 */
export async function redo(db: Db, version: number, locked: Locked): Promise<number> {
  const journal = db.collection<Entry>(journalName(version));
  const entries = await journal.find({}).toArray();
  if (entries.length === 0) return 0;
  const byCollection = new Map<string, Stored<ViewDoc>[]>();
  for (const e of entries) byCollection.set(e.collection, [...(byCollection.get(e.collection) ?? []), e.doc]);
  for (const [name, docs] of byCollection) await put(db.collection(name), docs, locked);
  await locked(() => journal.deleteMany({}));
  return entries.length;
}
