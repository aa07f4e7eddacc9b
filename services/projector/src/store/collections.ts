import type { Collection, Db, Document, IndexDescription } from 'mongodb';
import type { Positions, ViewDoc, ViewName } from '../views/types';
import { VIEWS } from '../views';
import { journalName } from './journal';

/** Documents as stored: the view's fields plus the per-partition guard. */
export type Stored<D extends ViewDoc> = D & { _pos?: Positions };

export const META = 'projector_meta';
export const collectionName = (view: ViewName, version: number): string => `${view}__v${version}`;

export interface AliasDoc {
  _id: 'alias';
  version: number;
  switchedAt: number;
}

export type BuildStatus = 'building' | 'live' | 'retired' | 'dropped';

export interface BuildDoc {
  _id: string;
  version: number;
  status: BuildStatus;
  startedAt: number;
  finishedAt: number | null;
  /** End offsets per `stream:partition` when the build started: caught up = every one reached. */
  targets: Positions;
  /** Next offset to read per `stream:partition`, saved as the build goes (progress display). */
  progress: Positions;
  /**
   * The views this version was built with from offset 0. A view added by a later release is also
   * written by the live runner from then on, so it exists but lacks the history (see counters/queries).
   * Absent on builds made before this field.
   */
  views?: string[];
  /** Each view's `revision` when this version was built; absent on older builds (every view at 1). */
  revisions?: Record<string, number>;
}

export const buildId = (version: number): string => `build:${version}`;

export function metaCollection(db: Db): Collection<Document> {
  return db.collection(META);
}

export async function readAlias(db: Db): Promise<AliasDoc | null> {
  return (await metaCollection(db).findOne({ _id: 'alias' as never })) as AliasDoc | null;
}

export async function readBuild(db: Db, version: number): Promise<BuildDoc | null> {
  return (await metaCollection(db).findOne({ _id: buildId(version) as never })) as BuildDoc | null;
}

export async function readBuilds(db: Db): Promise<BuildDoc[]> {
  const docs = await metaCollection(db)
    .find({ _id: { $regex: '^build:' } as never })
    .toArray();
  return (docs as unknown as BuildDoc[]).sort((a, b) => a.version - b.version);
}

/** The atomic switch: one single-document write the API reads on every request. */
export async function switchAlias(db: Db, version: number, at: number): Promise<void> {
  await metaCollection(db).replaceOne(
    { _id: 'alias' as never },
    { version, switchedAt: at },
    { upsert: true },
  );
}

const indexName = (key: IndexDescription['key']): string =>
  Object.entries(key as Record<string, number>)
    .map(([k, v]) => `${k}_${v}`)
    .join('_');

/**
 * Whether the database answers a query on a field other than `_id` from an index. FerretDB's SQLite
 * backend does not (its explain says `filterPushdown: false`: it scans and filters in Go), so there a
 * view's indexes only cost every write (measured: a 5,000-a-side import took 51 s with them, 41 s
 * without, and its views trailed by up to 11 s instead of 5). MongoDB's explain has no such field.
 */
export async function readsSecondaryIndexes(db: Db): Promise<boolean> {
  try {
    const plan = await db.command({ explain: { find: META, filter: { probe: 1 } } });
    return plan.filterPushdown !== false;
  } catch {
    return true;
  }
}

/**
 * Creates only the missing indexes: FerretDB 1.24 drops the connection (a server-side panic) when
 * createIndexes names indexes that already exist, which a resumed build would do. `secondary: false`
 * creates none (see readsSecondaryIndexes).
 */
export async function ensureIndexes(db: Db, version: number, secondary = true): Promise<void> {
  const existingCollections = new Set(
    (await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name),
  );
  for (const view of VIEWS) {
    const name = collectionName(view.name, version);
    const col = db.collection(name);
    const have = existingCollections.has(name)
      ? new Set((await col.indexes()).map((i) => i.name))
      : new Set<string>();
    const missing = (secondary ? view.indexes : []).filter((i) => !have.has(i.name ?? indexName(i.key)));
    if (missing.length > 0) await col.createIndexes(missing);
    // A view without indexes is created here too: a version's views are known to exist by their
    // collections (missingViews), and one created only at its first write would read as missing.
    else if (!existingCollections.has(name)) await db.createCollection(name);
  }
}

export async function dropVersion(db: Db, version: number): Promise<void> {
  const existing = new Set((await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name));
  for (const name of [...VIEWS.map((v) => collectionName(v.name, version)), journalName(version)]) {
    if (existing.has(name)) await db.dropCollection(name);
  }
}
