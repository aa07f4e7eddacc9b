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

  it("one view's finished replace keeps another view's journal, which redo then completes", async () => {
    const cfg = testConfig('journal-two');
    const { db, close } = await openDb(cfg);
    const small = db.collection<{ _id: string }>('small');
    const big = db.collection<{ _id: string }>('big');
    const old = (n: number) => Array.from({ length: n }, (_, i) => ({ _id: `k${i}`, v: 1 }));
    const next = (n: number) => old(n).map((d) => ({ ...d, v: 2 }));
    await small.insertMany(old(1));
    await big.insertMany(old(3));
    // The big view is stopped between its delete and its insert (a kill -9 there), while the small
    // view of the same window completes its replace, journal clear included.
    let step = 0;
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const killedAfterDelete: Locked = async (fn) => {
      step++;
      if (step === 3) {
        await held;
        throw new Error('killed');
      }
      return fn();
    };
    const bigWrite = replaceByJournal(db, 1, 'big', next(3), killedAfterDelete).catch(() => 'killed');
    while (step < 3) await new Promise((r) => setTimeout(r, 10));
    await replaceByJournal(db, 1, 'small', next(1), bare);
    release();
    expect(await bigWrite).toBe('killed');
    expect(await big.countDocuments()).toBe(0);
    expect(await redo(db, 1, bare)).toBe(3);
    expect(await big.find({}).sort({ _id: 1 }).toArray()).toEqual(next(3));
    expect(await small.find({}).toArray()).toEqual(next(1));
    await db.dropDatabase();
    await close();
  });
});
