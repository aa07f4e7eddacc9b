import { chooseInterval, CostSamples, typicalCost } from './interval';

const policy = { fixedMs: undefined, budget: 0.05, minMs: 2_000, maxMs: 300_000 };

describe('the Siagh poll interval', () => {
  it('keeps the poller at its share of the server: a 400 ms GetAll at 5% polls every 7.6 s', () => {
    const c = chooseInterval(policy, [400, 380, 420]);
    expect(c.ms).toBe(7_600);
    expect(c.reason).toMatch(/GetAll takes 400 ms .* budget 5% .*every 7600 ms/);
  });

  it('a small dataset is polled at the minimum interval, a huge one at the maximum', () => {
    expect(chooseInterval(policy, [30]).ms).toBe(2_000);
    expect(chooseInterval(policy, [30]).reason).toMatch(/minimum/);
    const slow = chooseInterval(policy, [20_000]);
    expect(slow.ms).toBe(300_000);
    expect(slow.reason).toMatch(/capped at the maximum/);
  });

  it('one slow call does not set it (median), and a fixed interval wins', () => {
    expect(typicalCost([100, 9_000, 110])).toBe(110);
    expect(chooseInterval({ ...policy, fixedMs: 30_000 }, [100]).ms).toBe(30_000);
    expect(chooseInterval(policy, []).ms).toBe(2_000);
  });

  it('remembers the last few samples only', () => {
    const s = new CostSamples(3);
    for (const x of [1, 2, 3, 4]) s.add(x);
    expect(s.values).toEqual([2, 3, 4]);
  });
});
