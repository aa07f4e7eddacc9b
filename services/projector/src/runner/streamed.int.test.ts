import { collectionName } from '../store/collections';
import { WriteLock } from '../store/lock';
import { outcome, positioned } from '../testing/fixtures';
import { openDb, quietLogger, testConfig } from '../testing/harness';
import { StreamedWrites } from './streamed';

// A build writes its audit documents batch by batch while it reads on (streamed.ts). Its window may leave
// the audit out only when every batch it holds was written: a failed write must say so, and a batch
// delivered twice (a crash before the window's commit) must leave one document per outcome.

const outcomes = (from: number, n: number) =>
  positioned(
    Array.from({ length: n }, (_, i) => ({
      type: 'outcome' as const,
      data: outcome({ outcomeId: `s-${from + i}` }),
    })),
  );

describe('StreamedWrites (real MongoDB-wire database)', () => {
  it('writes each batch, tells the window every one succeeded, and a re-delivered batch replaces itself', async () => {
    const { db, close } = await openDb(testConfig('streamed-ok'));
    try {
      const s = new StreamedWrites({
        db,
        version: 7,
        lock: new WriteLock(),
        logger: quietLogger(),
        stopped: () => false,
      });
      const all = outcomes(0, 30);
      s.push(all.slice(0, 10));
      s.push(all.slice(10, 30));
      const first = await s.settle();
      expect(first.ok).toBe(true);
      expect(first.written).toBe(30);
      expect(first.views.sync_audit).toMatchObject({ inserted: 30, replaced: 0 });
      const audit = db.collection(collectionName('sync_audit', 7));
      expect(await audit.countDocuments()).toBe(30);

      s.push(all.slice(5, 15));
      const again = await s.settle();
      expect(again).toMatchObject({ ok: true, written: 10 });
      expect(again.views.sync_audit).toMatchObject({ inserted: 0, replaced: 10 });
      expect(await audit.countDocuments()).toBe(30);
      expect(await audit.findOne({ _id: 's-12' as never })).toMatchObject({
        outcomeId: 's-12',
        status: 'synced',
      });
    } finally {
      await db.dropDatabase();
      await close();
    }
  });

  it('a failed write makes its account not ok, and only that account', async () => {
    const { db, close } = await openDb(testConfig('streamed-fail'));
    try {
      // The lease check refuses one write, as when this instance lost the lease mid-build.
      let refuse = 1;
      const lock = new WriteLock(() => {
        if (refuse-- > 0) throw new Error('lease lost');
      });
      let stopped = false;
      const s = new StreamedWrites({ db, version: 8, lock, logger: quietLogger(), stopped: () => stopped });
      s.push(outcomes(0, 5));
      s.push(outcomes(5, 5));
      const failed = await s.settle();
      expect(failed.ok).toBe(false);
      // The writes behind the failed one still ran.
      expect(await db.collection(collectionName('sync_audit', 8)).countDocuments()).toBe(5);

      s.push(outcomes(10, 5));
      expect((await s.settle()).ok).toBe(true);
      // Nothing pushed: nothing to wait for, nothing failed.
      expect(await s.settle()).toEqual({ ok: true, written: 0, views: {} });
      // A stopped runner writes nothing more, and says so.
      stopped = true;
      s.push(outcomes(15, 5));
      expect((await s.settle()).ok).toBe(false);
      expect(await db.collection(collectionName('sync_audit', 8)).countDocuments()).toBe(10);
    } finally {
      await db.dropDatabase();
      await close();
    }
  });
});
