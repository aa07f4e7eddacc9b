import { SharedRead } from './sharedRead';

function clockedRead(opts: { minIntervalMs?: number; maxAgeMs?: number; failFirst?: boolean } = {}) {
  let t = 1_000;
  let loads = 0;
  const read = new SharedRead<number>({
    now: () => t,
    minIntervalMs: opts.minIntervalMs ?? 0,
    maxAgeMs: opts.maxAgeMs ?? 60_000,
    load: async () => {
      loads++;
      await new Promise((r) => setTimeout(r, 5));
      if (opts.failFirst && loads === 1) throw new Error('503');
      return loads;
    },
  });
  return { read, tick: (ms: number) => (t += ms), loads: () => loads };
}

describe('SharedRead: one list read serves every event observed before it began', () => {
  it('callers needing a read begun after what they saw share one read', async () => {
    const { read, loads } = clockedRead();
    const got = await Promise.all([read.atLeast(900), read.atLeast(1_000), read.atLeast(500)]);
    expect(got.map((g) => g.value)).toEqual([1, 1, 1]);
    expect(loads()).toBe(1);
  });

  it('a caller that saw its change after the read began gets a new read', async () => {
    const c = clockedRead();
    await c.read.atLeast(1_000);
    c.tick(10);
    const later = await c.read.atLeast(1_005);
    expect(later).toEqual({ startedAt: 1_010, value: 2 });
    // ...and the next caller that saw its change before 1,010 is served by it.
    expect((await c.read.atLeast(1_009)).value).toBe(2);
    expect(c.loads()).toBe(2);
  });

  it('a read too old (maxAge) is not used; a failure fails its callers and the next caller reads again', async () => {
    const c = clockedRead({ maxAgeMs: 100, failFirst: true });
    await expect(c.read.atLeast(0)).rejects.toThrow('503');
    expect((await c.read.atLeast(0)).value).toBe(2);
    c.tick(101);
    expect((await c.read.atLeast(0)).value).toBe(3);
  });
});

describe('SharedRead: a list that takes long to read is read less often', () => {
  it('waits its last duration divided by the budget, and keeps serving twice that long', async () => {
    let t = 0;
    let loads = 0;
    const read = new SharedRead<number>({
      now: () => t,
      minIntervalMs: 2_000,
      maxAgeMs: 15_000,
      budget: 0.1,
      // A GetAll of 100,000 contacts: 3 s on the clock.
      load: () => {
        loads++;
        t += 3_000;
        return Promise.resolve(loads);
      },
    });
    expect(read.intervalMs).toBe(2_000);
    await read.atLeast(0);
    expect(read.intervalMs).toBe(30_000);
    // 40 s after it began the read still serves (twice the interval), past the configured 15 s.
    t = 40_000;
    expect((await read.atLeast(0)).value).toBe(1);
    expect(loads).toBe(1);
  });
});
