import { runKeyed } from './concurrency';

describe('runKeyed', () => {
  it('keeps per-key order while running different keys concurrently, within the limit', async () => {
    const log: string[] = [];
    let inFlight = 0;
    let peak = 0;
    const items = ['a1', 'b1', 'a2', 'c1', 'b2', 'a3'];
    const out = await runKeyed(
      items,
      (s) => s[0]!,
      2,
      async (s) => {
        inFlight++;
        peak = Math.max(peak, inFlight);
        await new Promise((r) => setTimeout(r, s === 'a1' ? 20 : 5));
        log.push(s);
        inFlight--;
        return s.toUpperCase();
      },
    );
    expect(out).toEqual(['A1', 'B1', 'A2', 'C1', 'B2', 'A3']);
    expect(log.filter((s) => s.startsWith('a'))).toEqual(['a1', 'a2', 'a3']);
    expect(log.filter((s) => s.startsWith('b'))).toEqual(['b1', 'b2']);
    expect(peak).toBe(2);
    // b finished before a1 did: other keys were not blocked by a slow one.
    expect(log.indexOf('b2')).toBeLessThan(log.indexOf('a1'));
  });
});
