import { openDb, testConfig } from '../testing/harness';
import { missingViews } from '../runner/projector';
import { ensureIndexes } from './collections';

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
});
