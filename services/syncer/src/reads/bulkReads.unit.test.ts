import { CallLimiter } from '@siaghsync/shared/http/callLimiter';
import type { CrmClient } from '@siaghsync/shared/crm/client';
import type { SiaghClient } from '@siaghsync/shared/siagh/client';
import { BulkReads } from './bulkReads';

describe("the bulk events' shared list reads", () => {
  it("go ahead of the import's calls queued at the rate limiter", async () => {
    // Siagh's client limiter, with the import's creates queued for their turn.
    const limiter = new CallLimiter({ perSecond: 20, maxConcurrent: 100 });
    const order: string[] = [];
    const call = (what: string) =>
      limiter.schedule(() => {
        order.push(what);
        return Promise.resolve([{ Code: 7, tmpid: '7' }]);
      });
    const reads = new BulkReads({
      crm: {} as CrmClient,
      siagh: { getAllContacts: () => call('GetAll') } as unknown as SiaghClient,
      now: Date.now,
      minIntervalMs: 0,
      maxAgeMs: 60_000,
      budget: 0.1,
      crmPageSize: 100,
      keepRecords: 10,
    });
    const creates = Array.from({ length: 60 }, (_, i) => call(`create ${i}`));
    const list = await reads.siagh(Date.now());
    expect(list.value.byNumber.get(7)).toHaveLength(1);
    // Without priority it would start 61st, three seconds later at 20 calls/s, and the list's next read
    // (its duration over the budget) would be held back 30 s while every bulk event waited for it.
    expect(order.indexOf('GetAll')).toBeLessThanOrEqual(20);
    await Promise.all(creates);
  }, 10_000);
});
