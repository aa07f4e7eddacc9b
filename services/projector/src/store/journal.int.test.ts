import { openDb, testConfig } from '../testing/harness';
import { journalName, redo, replaceByJournal, type Locked } from './journal';

const bare: Locked = (fn) => fn();

describe('replace through the journal (FerretDB)', () => {
  it('a crash after any step of a replace is completed by redo, with the new documents', async () => {
    const cfg = testConfig('journal');
    const { db, close } = await openDb(cfg);
    const old = [
      { _id: 'a', v: 1, _pos: { 'outcomes:0': 1 } },
      { _id: 'b', v: 1, _pos: { 'outcomes:0': 2 } },
    ];
    const next = old.map((d) => ({ ...d, v: 2, _pos: { 'outcomes:0': d._pos['outcomes:0'] + 10 } }));
    // Steps: journal insert, delete, insert, journal clear; the crash comes before step `crashAt`.
    for (const crashAt of [1, 2, 3, 4, 5]) {
      const col = db.collection<{ _id: string }>(`view${crashAt}`);
      await col.insertMany(old);
      let step = 0;
      const crashing: Locked = (fn) => (++step >= crashAt ? Promise.reject(new Error('killed')) : fn());
      const done = await replaceByJournal(db, 1, col.collectionName, next, crashing).then(
        () => true,
        () => false,
      );
      expect(done).toBe(crashAt === 5);
      await redo(db, 1, bare);
      const want = crashAt === 1 ? old : next;
      expect(await col.find({}).sort({ _id: 1 }).toArray()).toEqual(want);
      expect(await db.collection(journalName(1)).countDocuments()).toBe(0);
    }
    expect(await redo(db, 1, bare)).toBe(0);
    await db.dropDatabase();
    await close();
  });
});
