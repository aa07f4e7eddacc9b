import { permanent, transient } from '../errors';
import { DecodeHolds, registryRetry } from './decodeHold';

describe('DecodeHolds', () => {
  it('backs off further on each failure of a partition, up to the maximum', () => {
    const holds = new DecodeHolds({ initialDelayMs: 100, maxDelayMs: 2_000 });
    const delays = Array.from({ length: 12 }, () => holds.failed('work:0'));
    expect(delays.every((d) => d > 0 && d <= 2_000)).toBe(true);
    expect(Math.max(...delays.slice(6))).toBeGreaterThan(Math.max(...delays.slice(0, 2)));
    expect(holds.attempts('work:0')).toBe(12);
  });

  it('keeps partitions apart and starts over once a partition decodes again', () => {
    const holds = new DecodeHolds({ initialDelayMs: 100, maxDelayMs: 60_000 });
    for (let i = 0; i < 8; i++) holds.failed('work:0');
    expect(holds.attempts('work:1')).toBe(0);
    holds.succeeded('work:0');
    expect(holds.attempts('work:0')).toBe(0);
    // The first delay again: decorrelated jitter keeps it near the initial delay.
    expect(holds.failed('work:0')).toBeLessThan(1_000);
  });
});

describe('registryRetry', () => {
  it('retries a registry failure until it answers, and throws the record’s own failure at once', async () => {
    const policy = registryRetry({ initialDelayMs: 1, maxDelayMs: 5 });
    let calls = 0;
    const flaky = () => {
      calls++;
      if (calls < 4) throw transient('SCHEMA_NOT_FOUND_YET', 'not yet');
      return Promise.resolve('decoded');
    };
    await expect(policy.execute(flaky)).resolves.toBe('decoded');
    expect(calls).toBe(4);

    let bad = 0;
    const garbage = () => {
      bad++;
      throw permanent('NOT_WIRE_FORMAT', 'garbage');
    };
    await expect(policy.execute(garbage)).rejects.toMatchObject({ code: 'NOT_WIRE_FORMAT' });
    expect(bad).toBe(1);
  });

  it('stops retrying when the consumer stops', async () => {
    const stop = new AbortController();
    const never = () => {
      setTimeout(() => stop.abort(), 5);
      throw transient('SCHEMA_REGISTRY_UNAVAILABLE', 'down');
    };
    await expect(registryRetry({ initialDelayMs: 20 }).execute(never, stop.signal)).rejects.toBeDefined();
  });
});
