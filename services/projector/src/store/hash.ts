import { createHash } from 'node:crypto';
import type { Db } from 'mongodb';
import { VIEWS } from '../views';
import type { ViewName } from '../views/types';
import { collectionName } from './collections';

/** JSON with sorted keys: two equal documents hash equally whatever order their fields were written in. */
export function stableStringify(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) return `[${v.map(stableStringify).join(',')}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o)
    .sort()
    .filter((k) => o[k] !== undefined)
    .map((k) => `${JSON.stringify(k)}:${stableStringify(o[k])}`)
    .join(',')}}`;
}

export interface ViewHash {
  total: string;
  views: Record<ViewName, { hash: string; count: number }>;
}

/** A digest of every document of every view of one version (guards included: they are state too). */
export async function viewHash(db: Db, version: number): Promise<ViewHash> {
  const total = createHash('sha256');
  const views = {} as ViewHash['views'];
  for (const view of VIEWS) {
    const h = createHash('sha256');
    let count = 0;
    const cursor = db.collection(collectionName(view.name, version)).find({}).sort({ _id: 1 });
    for await (const doc of cursor) {
      h.update(stableStringify(doc));
      h.update('\n');
      count++;
    }
    const hash = h.digest('hex');
    views[view.name] = { hash, count };
    total.update(`${view.name}:${hash}\n`);
  }
  return { total: total.digest('hex'), views };
}
