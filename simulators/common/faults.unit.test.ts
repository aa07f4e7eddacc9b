import { createRng } from './rng';
import { SimClock } from './clock';
import { retryAfterValue, sampleLatency } from './faults';

describe('fault decisions', () => {
  it('draws the same latencies from the same seed', () => {
    const cfg = { kind: 'longTail', medianMs: 20, p99Ms: 500 } as const;
    const a = createRng(9);
    const b = createRng(9);
    const xs = Array.from({ length: 200 }, () => sampleLatency(cfg, a));
    expect(Array.from({ length: 200 }, () => sampleLatency(cfg, b))).toEqual(xs);
    const sorted = [...xs].sort((x, y) => x - y);
    expect(sorted[100]).toBeGreaterThan(5);
    expect(sorted[100]).toBeLessThan(80);
    expect(sorted[199]).toBeGreaterThan(sorted[100] ?? 0);
  });

  it('keeps uniform latencies inside their bounds', () => {
    const rng = createRng(1);
    for (let i = 0; i < 100; i++) {
      const v = sampleLatency({ kind: 'uniform', minMs: 5, maxMs: 10 }, rng);
      expect(v).toBeGreaterThanOrEqual(5);
      expect(v).toBeLessThanOrEqual(10);
    }
  });

  it('writes Retry-After in seconds or as an HTTP date that is never early', () => {
    const clock = new SimClock();
    expect(retryAfterValue(3, 'seconds', clock)).toBe('3');
    const date = retryAfterValue(3, 'http-date', clock);
    expect(date).toMatch(/^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/);
    expect(Date.parse(date)).toBeGreaterThanOrEqual(Date.now() + 2000);
  });
});
