import { runStartOf, staleRunTopics } from './prune';

describe('pruning the topics of old runs', () => {
  const now = Date.UTC(2026, 11, 7, 12);
  const at = (ms: number) => ms.toString(36);
  const old = now - 8 * 3600_000;
  const fresh = now - 600_000;

  it("knows a run's topics and when the run began; a deployment's topics are never a run's", () => {
    expect(runStartOf(`t${at(old)}a1b2c3-pzombie.siaghsync.work`)).toBe(old);
    expect(runStartOf(`conv4001-${at(old)}ab12.siaghsync.outcomes`)).toBe(old);
    expect(runStartOf(`benchimport${at(old)}.siaghsync.changes`)).toBe(old);
    expect(runStartOf(`bench${at(old)}.siaghsync.work`)).toBe(old);
    for (const t of ['siaghsync.work', 'acme.siaghsync.work', 'prod-1.siaghsync.links', '__consumer_offsets'])
      expect(runStartOf(t)).toBeNull();
    // Shaped like a run's but no plausible time in it.
    expect(runStartOf('t00000000a1b2c3-x.siaghsync.work')).toBeNull();
  });

  it('deletes only the topics of runs older than the limit', () => {
    const topics = [
      `t${at(old)}a1b2c3-crash.siaghsync.work`,
      `t${at(fresh)}a1b2c3-crash.siaghsync.work`,
      `conv1-${at(old)}beef.siaghsync.links`,
      'siaghsync.work',
    ];
    expect(staleRunTopics(topics, now, 6 * 3600_000)).toEqual([topics[0], topics[2]]);
  });
});
