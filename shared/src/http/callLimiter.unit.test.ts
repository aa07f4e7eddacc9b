import { setTimeout as sleep } from 'node:timers/promises';
import { CallLimiter } from './callLimiter';

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
  it('lets a burst out at once, then paces starts at the rate, first come first served', async () => {
    const { starts, order } = await run(
      new CallLimiter({ perSecond: 20, burst: 5, maxConcurrent: 100 }),
      15,
      0,
    );
    expect(order).toEqual([...order].sort((a, b) => a - b));
    // Call i needs i - 4 tokens beyond the burst, one per 50 ms.
    for (let i = 5; i < 15; i++) expect(starts[i]).toBeGreaterThanOrEqual((i - 4) * 50 - 5);
    // The burst did not wait for the bucket.
    expect(starts[4]).toBeLessThan(starts[14]! - 400);
  });

  it('never runs more than maxConcurrent calls at once', async () => {
    const limiter = new CallLimiter({ perSecond: 10_000, burst: 10_000, maxConcurrent: 3 });
    const { maxRunning, order } = await run(limiter, 12, 20);
    expect(maxRunning).toBe(3);
    expect(order).toEqual([...order].sort((a, b) => a - b));
  });

  it('a failed call frees its slot and passes its error on', async () => {
    const limiter = new CallLimiter({ perSecond: 1000, burst: 10, maxConcurrent: 1 });
    await expect(limiter.schedule(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(limiter.schedule(() => Promise.resolve(7))).resolves.toBe(7);
  });
});
