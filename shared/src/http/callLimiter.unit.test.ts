import { setTimeout as sleep } from 'node:timers/promises';
import { asLiveWork, CallLimiter } from './callLimiter';

// Real timers: the limiter's clock is its library's. Only lower bounds on start times are asserted
// (a call never starts before the bucket allows it), which a slow machine cannot break.

async function run(limiter: CallLimiter, n: number, workMs: number) {
  const t0 = performance.now();
  const starts: number[] = [];
  const order: number[] = [];
  let running = 0;
  let maxRunning = 0;
  await Promise.all(
    Array.from({ length: n }, (_, i) =>
      limiter.schedule(async () => {
        starts[i] = performance.now() - t0;
        order.push(i);
        maxRunning = Math.max(maxRunning, ++running);
        await sleep(workMs);
        running--;
      }),
    ),
  );
  return { starts, order, maxRunning };
}

describe('CallLimiter', () => {
  it('lets a second’s worth out at once, then never more than perSecond starts in any second, in order', async () => {
    const { starts, order } = await run(new CallLimiter({ perSecond: 10, maxConcurrent: 100 }), 25, 0);
    expect(order).toEqual([...order].sort((a, b) => a - b));
    // The 11th start of any run of 11 is at least a second after the first (5 ms of timer slack).
    for (let i = 10; i < 25; i++) expect(starts[i]! - starts[i - 10]!).toBeGreaterThanOrEqual(995);
    // An idle client did not wait for its first second's worth.
    expect(starts[9]).toBeLessThan(starts[10]! - 500);
  });

  it('never more than perSecond starts in any second when calls arrive at random times', async () => {
    const limiter = new CallLimiter({ perSecond: 8, maxConcurrent: 50 });
    const t0 = performance.now();
    const starts: number[] = [];
    // Arrivals spread over 1.5 s with clumps, so windows start and end at every phase.
    let seed = 7;
    const random = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
    await Promise.all(
      Array.from({ length: 40 }, async () => {
        await sleep(Math.floor(random() * 1500));
        await limiter.schedule(() => Promise.resolve(void starts.push(performance.now() - t0)));
      }),
    );
    starts.sort((a, b) => a - b);
    expect(starts).toHaveLength(40);
    for (let i = 8; i < starts.length; i++) expect(starts[i]! - starts[i - 8]!).toBeGreaterThanOrEqual(995);
  });

  it('rejects a rate that is not a whole number of calls', () => {
    expect(() => new CallLimiter({ perSecond: 0.5, maxConcurrent: 1 })).toThrow(/perSecond/);
    expect(() => new CallLimiter({ perSecond: 0, maxConcurrent: 1 })).toThrow(/perSecond/);
  });

  it('the calls of a hold go ahead of the calls waiting for their turn, in one slot', async () => {
    const limiter = new CallLimiter({ perSecond: 2, maxConcurrent: 3 });
    const started: string[] = [];
    const call = (name: string) => limiter.schedule(() => Promise.resolve(void started.push(name)));
    // Two start at once; c and d wait for the next window.
    const queued = [call('a'), call('b'), call('c'), call('d')];
    await sleep(50);
    const pair = limiter.hold(async () => {
      await call('read');
      await call('write');
    });
    await Promise.all([...queued, pair]);
    // Each window lets two calls start; in each, the hold's call goes before the one queued earlier.
    expect(started).toEqual(['a', 'b', 'read', 'c', 'write', 'd']);
  });

  it("a live edit's calls go ahead of the import's queued calls, even with every slot taken", async () => {
    const limiter = new CallLimiter({ perSecond: 2, maxConcurrent: 2 });
    const started: string[] = [];
    const call = (name: string) => limiter.schedule(() => Promise.resolve(void started.push(name)));
    const bulk = ['b1', 'b2', 'b3', 'b4', 'b5'].map(call);
    await sleep(50);
    const live = asLiveWork(() => call('live'));
    await Promise.all([...bulk, live]);
    // The first window went to b1 and b2; the live call takes the next start, before b3.
    expect(started).toEqual(['b1', 'b2', 'live', 'b3', 'b4', 'b5']);
  });

  it("a live edit's read-then-write needs no slot: it is not queued behind the import's calls", async () => {
    const limiter = new CallLimiter({ perSecond: 1000, maxConcurrent: 1 });
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const started: string[] = [];
    // The only slot is taken by an import call that does not end until the live edit is done.
    const bulk = limiter.schedule(async () => {
      started.push('bulk');
      await gate;
    });
    const queuedBulk = limiter.schedule(() => Promise.resolve(void started.push('bulk-2')));
    await sleep(20);
    await asLiveWork(() =>
      limiter.hold(async () => {
        await limiter.schedule(() => Promise.resolve(void started.push('read')));
        await limiter.schedule(() => Promise.resolve(void started.push('write')));
      }),
    );
    release();
    await Promise.all([bulk, queuedBulk]);
    expect(started).toEqual(['bulk', 'read', 'write', 'bulk-2']);
  });

  it('a priority call needs no slot: a login is not stuck behind holds waiting for it', async () => {
    const limiter = new CallLimiter({ perSecond: 100, maxConcurrent: 1 });
    let loggedIn!: () => void;
    const session = new Promise<void>((resolve) => (loggedIn = resolve));
    // The only slot is held by a read-then-write that waits for the session...
    const pair = limiter.hold(async () => {
      await session;
      return limiter.schedule(() => Promise.resolve('written'));
    });
    // ...which a login outside any hold provides.
    await limiter.priority(() => limiter.schedule(() => Promise.resolve(loggedIn())));
    await expect(pair).resolves.toBe('written');
  });

  it('never runs more than maxConcurrent calls at once', async () => {
    const limiter = new CallLimiter({ perSecond: 10_000, maxConcurrent: 3 });
    const { maxRunning, order } = await run(limiter, 12, 20);
    expect(maxRunning).toBe(3);
    expect(order).toEqual([...order].sort((a, b) => a - b));
  });

  it('a failed call frees its slot and passes its error on', async () => {
    const limiter = new CallLimiter({ perSecond: 1000, maxConcurrent: 1 });
    await expect(limiter.schedule(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(limiter.schedule(() => Promise.resolve(7))).resolves.toBe(7);
  });
});
