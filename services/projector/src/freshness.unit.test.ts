import type { PauseFlag } from '@siaghsync/shared/operator/pause';
import { BEHIND_ALERT_S, summarize, type SyncerReport } from './freshness';

const report = (
  url: string,
  liveSeconds: number,
  bulkSeconds = 0,
  stalled: { lane: string; held: number; since: number }[] = [],
): SyncerReport => ({
  url,
  reachable: true,
  ready: true,
  backlog: { liveSeconds, bulkSeconds, held: 0, stalled },
});

describe('sync freshness', () => {
  it('is unknown with no syncer to ask, and never red for that', () => {
    expect(summarize([])).toMatchObject({ state: 'unknown', alert: false, liveSeconds: null });
  });

  it('is in sync under a second, whatever the import has queued', () => {
    expect(summarize([report('http://a', 0.4, 300)])).toMatchObject({
      state: 'in-sync',
      alert: false,
      bulkSeconds: 300,
    });
  });

  it('reports the worst instance, and turns red only past a minute', () => {
    const f = summarize([report('http://a', 3), report('http://b', 37)]);
    expect(f).toMatchObject({ state: 'behind', liveSeconds: 37, alert: false });
    expect(summarize([report('http://a', BEHIND_ALERT_S + 1)]).alert).toBe(true);
    expect(summarize([report('http://a', BEHIND_ALERT_S)]).alert).toBe(false);
  });

  it('says stalled since the earliest stalled lane last moved, even when the backlog is young', () => {
    const f = summarize([
      report('http://a', 5, 0, [{ lane: 'work:2', held: 40, since: 1_700_000_060_000 }]),
      report('http://b', 0, 0, [{ lane: 'work-bulk:0', held: 3, since: 1_700_000_000_000 }]),
    ]);
    expect(f).toMatchObject({ state: 'stalled', alert: true, stalledSince: 1_700_000_000_000 });
  });

  it('is red when an instance does not answer: its backlog is not known', () => {
    const f = summarize([
      report('http://a', 0),
      { url: 'http://b', reachable: false, error: 'ECONNREFUSED' },
    ]);
    expect(f).toMatchObject({ state: 'unreachable', alert: true, liveSeconds: 0 });
  });

  it('lists the pauses the instances report once per scope, the newest flag of each', () => {
    const flag = (scope: PauseFlag['scope'], at: number): PauseFlag => ({
      scope,
      paused: true,
      reason: null,
      by: 'op',
      at,
    });
    const withPauses = (url: string, paused: PauseFlag[]): SyncerReport => ({
      url,
      reachable: true,
      ready: true,
      backlog: { liveSeconds: 0, bulkSeconds: 0, held: 0, stalled: [] },
      paused,
    });
    const f = summarize([
      withPauses('http://a', [flag('siagh', 5), flag('customer:7', 9)]),
      withPauses('http://b', [flag('siagh', 7)]),
      report('http://c', 0),
    ]);
    expect(f.paused.map((p) => [p.scope, p.at])).toEqual([
      ['siagh', 7],
      ['customer:7', 9],
    ]);
    expect(f.state).toBe('in-sync');
    expect(summarize([report('http://a', 0)]).paused).toEqual([]);
  });
});
