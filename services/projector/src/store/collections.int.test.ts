import { openDb, testConfig } from '../testing/harness';
import { missingViews } from '../runner/projector';
import { collectionName, ensureIndexes, readsSecondaryIndexes } from './collections';

describe('ensureIndexes (real MongoDB-wire database)', () => {
  it("creates every view's collection, those without indexes included, so none reads as missing", async () => {
    const { db, close } = await openDb(testConfig('collections'));
    try {
      expect(await missingViews(db, 1)).not.toEqual([]);
      await ensureIndexes(db, 1);
      expect(await missingViews(db, 1)).toEqual([]);
      // Again on existing collections: nothing to create, nothing refused.
      await ensureIndexes(db, 1);
      expect(await missingViews(db, 1)).toEqual([]);
    } finally {
      await db.dropDatabase();
      await close();
    }
  });

  it('creates the query indexes only where the database reads them: FerretDB-on-SQLite does not', async () => {
    const { db, close } = await openDb(testConfig('collections-idx'));
    try {
      // The local stack's FerretDB: its explain of a non-_id filter says filterPushdown false.
      expect(await readsSecondaryIndexes(db)).toBe(false);
      const names = async (version: number) =>
        (await db.collection(collectionName('sync_audit', version)).indexes()).map((i) => i.name).sort();
      await ensureIndexes(db, 1, false);
      expect(await names(1)).toEqual(['_id_']);
      expect(await missingViews(db, 1)).toEqual([]);
      await ensureIndexes(db, 2, true);
      expect((await names(2)).length).toBeGreaterThan(5);
    } finally {
      await db.dropDatabase();
      await close();
    }
  });
});
