import { runKeyed } from './concurrency';

describe('runKeyed', () => {
  it('keeps per-key order while running different keys concurrently, within the limit', async () => {
    const log: string[] = [];
    let inFlight = 0;
    let peak = 0;
    // a1 finishes only once b2 has: if a slow key blocked the others, a1 would wait out the 2 s fallback
    // and finish first, and the order check below fails (no timing race either way).
    let releaseA1 = () => {};
    const a1Gate = new Promise<void>((resolve) => (releaseA1 = resolve));
    const items = ['a1', 'b1', 'a2', 'c1', 'b2', 'a3'];
    const out = await runKeyed(
      items,
      (s) => s[0]!,
      2,
      async (s) => {
        inFlight++;
        peak = Math.max(peak, inFlight);
        if (s === 'a1') await Promise.race([a1Gate, new Promise((r) => setTimeout(r, 2000))]);
        else await new Promise((r) => setImmediate(r));
        log.push(s);
        if (s === 'b2') releaseA1();
        inFlight--;
        return s.toUpperCase();
      },
    );
    expect(out).toEqual(['A1', 'B1', 'A2', 'C1', 'B2', 'A3']);
    expect(log.filter((s) => s.startsWith('a'))).toEqual(['a1', 'a2', 'a3']);
    expect(log.filter((s) => s.startsWith('b'))).toEqual(['b1', 'b2']);
    expect(peak).toBe(2);
    expect(log.indexOf('b2')).toBeLessThan(log.indexOf('a1'));
  });

  it('after a failure starts nothing new and throws only once the running calls have ended', async () => {
    const started: string[] = [];
    const ended: string[] = [];
    let releaseB = () => {};
    const bGate = new Promise<void>((resolve) => (releaseB = resolve));
    const run = runKeyed(
      ['a1', 'b1', 'c1', 'd1'],
      (s) => s[0]!,
      2,
      async (s) => {
        started.push(s);
        if (s === 'a1') throw new Error('a1 failed');
        if (s === 'b1') await bGate;
        ended.push(s);
        return s;
      },
    );
    let settled = false;
    void run.catch(() => (settled = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(settled).toBe(false); // b1 still runs
    releaseB();
    await expect(run).rejects.toThrow('a1 failed');
    expect(ended).toEqual(['b1']);
    expect(started).toEqual(['a1', 'b1']);
  });
});
