// The latency chart of `npm run bench`: every latency-percentile figure of every benchmark result,
// measured beside its same-run baseline, one panel per benchmark. Pure (results in, Vega-Lite spec
// out) so it is unit-tested; bench/lib/render.ts turns the spec into a PNG.

import type { TopLevelSpec } from 'vega-lite';
import type { Figure } from './results';

export interface BenchResult {
  name: string;
  figures: Figure[];
}

export interface ChartRow {
  benchmark: string;
  /** The panel's header: the benchmark and, when all its figures share one, the baseline's name. */
  panel: string;
  percentile: string;
  series: 'measured' | 'baseline';
  /** The figure's or its baseline's name, shown in the tooltip-less PNG's legend via `series`. */
  label: string;
  ms: number;
}

const PERCENTILE = /\bp(\d{2,3}(?:\.\d+)?)\b/i;

const withoutPercentile = (name: string) => name.replace(PERCENTILE, '').replace(/\s+/g, ' ').trim();

/** Rows for every figure in ms whose name names a percentile (p50, p99, p99.9), in a stable order. */
export function latencyRows(results: readonly BenchResult[]): ChartRow[] {
  const rows: ChartRow[] = [];
  for (const r of [...results].sort((a, b) => a.name.localeCompare(b.name))) {
    const figures = r.figures.filter(
      (f) =>
        f.unit === 'ms' &&
        PERCENTILE.test(f.name) &&
        Number.isFinite(f.value) &&
        Number.isFinite(f.baselineValue),
    );
    const baselines = new Set(figures.map((f) => withoutPercentile(f.baseline)));
    const [only] = baselines;
    const panel = baselines.size === 1 && only ? `${r.name} (baseline: ${only})` : r.name;
    for (const f of figures) {
      const percentile = `p${PERCENTILE.exec(f.name)![1]}`;
      const at = { benchmark: r.name, panel, percentile };
      rows.push(
        { ...at, series: 'measured', label: f.name, ms: f.value },
        { ...at, series: 'baseline', label: f.baseline, ms: f.baselineValue },
      );
    }
  }
  return rows;
}

/** Sorts p50 < p90 < p99 < p99.9 numerically (a plain string sort would put p100 first). */
function percentileOrder(rows: readonly ChartRow[]): string[] {
  return [...new Set(rows.map((r) => r.percentile))].sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)));
}

/** The Vega-Lite spec: grouped bars (measured beside baseline) per percentile, one column per benchmark. */
export function latencySpec(results: readonly BenchResult[], title = 'Latency percentiles'): TopLevelSpec {
  const rows = latencyRows(results);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: title, subtitle: 'each figure beside the baseline measured in the same run' },
    background: 'white',
    data: { values: rows },
    facet: { column: { field: 'panel', type: 'nominal', title: null, sort: { field: 'benchmark' } } },
    // Each panel its own scales: an end-to-end p99 would flatten a single hop's bars to nothing.
    resolve: { scale: { x: 'independent', xOffset: 'independent', y: 'independent' } },
    spec: {
      width: 220,
      height: 220,
      layer: [
        {
          mark: { type: 'bar' },
          encoding: {
            x: {
              field: 'percentile',
              type: 'ordinal',
              sort: percentileOrder(rows),
              title: null,
              axis: { labelAngle: 0 },
            },
            xOffset: { field: 'series', type: 'nominal', sort: ['measured', 'baseline'] },
            y: { field: 'ms', type: 'quantitative', title: 'ms' },
            color: {
              field: 'series',
              type: 'nominal',
              sort: ['measured', 'baseline'],
              scale: { range: ['#d95f02', '#7570b3'] },
              title: null,
            },
          },
        },
        {
          mark: { type: 'text', dy: -6, fontSize: 9 },
          encoding: {
            x: { field: 'percentile', type: 'ordinal', sort: percentileOrder(rows) },
            xOffset: { field: 'series', type: 'nominal', sort: ['measured', 'baseline'] },
            y: { field: 'ms', type: 'quantitative' },
            text: { field: 'ms', type: 'quantitative', format: '.3~r' },
          },
        },
      ],
    },
  };
}
