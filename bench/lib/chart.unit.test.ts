import { latencyRows, latencySpec, type BenchResult } from './chart';
import { figure } from './results';
import { percentile, percentiles } from './stats';

const ms = (name: string, value: number, baseline: string, baselineValue: number) =>
  figure({ name, value, unit: 'ms', baseline, baselineValue, goal: 'report', met: true });

const e2e: BenchResult = {
  name: 'e2e',
  figures: [
    ms('webhook -> target write p99', 120, 'bare produce -> consume p99', 9),
    ms('webhook -> target write p50', 30, 'bare produce -> consume p50', 2),
    ms('webhook -> target write p90', 60, 'bare produce -> consume p90', 3),
    figure({
      name: 'offered load',
      value: 25,
      unit: 'changes/s',
      baseline: 'target',
      baselineValue: 25,
      goal: '',
      met: true,
    }),
  ],
};
const ingest: BenchResult = {
  name: 'ingest',
  figures: [
    figure({
      name: 'webhooks/s',
      value: 2000,
      unit: 'req/s',
      baseline: 'bare',
      baselineValue: 1900,
      goal: '',
      met: true,
    }),
    ms('p50 latency', 12, 'bare p50', 13),
    ms('p99 latency', 25, 'bare p99', 36),
    // A percentile with no measurement (a run that lost every sample) is left out, not drawn as 0.
    ms('p90 latency', Number.NaN, 'bare p90', 20),
  ],
};

describe('latency chart spec', () => {
  it('takes every percentile figure in ms with its baseline, and nothing else', () => {
    const rows = latencyRows([ingest, e2e]);
    expect(rows.map((r) => `${r.benchmark} ${r.percentile} ${r.series} ${r.ms}`)).toEqual([
      'e2e p99 measured 120',
      'e2e p99 baseline 9',
      'e2e p50 measured 30',
      'e2e p50 baseline 2',
      'e2e p90 measured 60',
      'e2e p90 baseline 3',
      'ingest p50 measured 12',
      'ingest p50 baseline 13',
      'ingest p99 measured 25',
      'ingest p99 baseline 36',
    ]);
  });

  it('names each panel after its benchmark and its one baseline', () => {
    const panels = new Set(latencyRows([e2e, ingest]).map((r) => r.panel));
    expect([...panels]).toEqual(['e2e (baseline: bare produce -> consume)', 'ingest (baseline: bare)']);
    const mixed: BenchResult = {
      name: 'x',
      figures: [ms('a p50', 1, 'one p50', 1), ms('b p99', 1, 'two p99', 1)],
    };
    expect(latencyRows([mixed])[0]?.panel).toBe('x');
  });

  it('orders percentiles numerically and gives each panel its own scales', () => {
    const spec = latencySpec([e2e, ingest]) as unknown as {
      data: { values: unknown[] };
      resolve: { scale: Record<string, string> };
      spec: { layer: { encoding: { x: { sort: string[] } } }[] };
    };
    expect(spec.spec.layer[0]?.encoding.x.sort).toEqual(['p50', 'p90', 'p99']);
    expect(spec.resolve.scale).toEqual({ x: 'independent', xOffset: 'independent', y: 'independent' });
    expect(spec.data.values).toHaveLength(10);
  });

  it('has no rows when no result has latency percentiles', () => {
    expect(latencyRows([{ name: 'poller', figures: [] }])).toEqual([]);
  });
});

describe('nearest-rank percentiles', () => {
  it('reports measured values only', () => {
    const xs = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentiles(xs)).toEqual({ count: 100, p50: 50, p90: 90, p99: 99, max: 100 });
    expect(percentile([7], 0.99)).toBe(7);
    expect(percentiles([3, 1, 2]).p50).toBe(2);
    expect(Number.isNaN(percentiles([]).p50)).toBe(true);
  });
});
