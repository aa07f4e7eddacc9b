import type { Collection, Db, Document } from 'mongodb';
import type { ViewName } from '../views/types';
import { collectionName, readAlias } from './collections';

export class ViewsNotReady extends Error {
  constructor() {
    super('the views are being built for the first time; see /api/views for progress');
    this.name = 'ViewsNotReady';
  }
}

/**
 * Every request resolves the alias once and reads all its views from that one version, so a switch
 * in the middle of a request cannot mix two versions in one answer.
 */
export async function snapshot(
  db: Db,
): Promise<{ version: number; view: <T extends Document>(name: ViewName) => Collection<T> }> {
  const alias = await readAlias(db);
  if (!alias) throw new ViewsNotReady();
  return {
    version: alias.version,
    view: <T extends Document>(name: ViewName) => db.collection<T>(collectionName(name, alias.version)),
  };
}

export type ViewSnapshot = Awaited<ReturnType<typeof snapshot>>;
