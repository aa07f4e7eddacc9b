// Renders the latency chart to PNG without a browser: Vega-Lite compiles the spec, Vega draws it as
// SVG headless (renderer 'none'), resvg (a prebuilt native module) rasterizes it with the system fonts.

import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import { parse, View } from 'vega';
import { compile } from 'vega-lite';
import { latencyRows, latencySpec, type BenchResult } from './chart';
import { RESULTS_DIR } from './results';

export async function specToPng(spec: ReturnType<typeof latencySpec>): Promise<Buffer> {
  const view = new View(parse(compile(spec).spec), { renderer: 'none' });
  const svg = await view.toSVG(2);
  view.finalize();
  return new Resvg(svg, { background: 'white', font: { loadSystemFonts: true } }).render().asPng();
}

/** Reads every bench/results/<name>.json and writes latency.png beside them; null when none has percentiles. */
export async function writeLatencyChart(dir = RESULTS_DIR): Promise<string | null> {
  const results = readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as BenchResult);
  if (latencyRows(results).length === 0) return null;
  const file = path.join(dir, 'latency.png');
  writeFileSync(file, await specToPng(latencySpec(results)));
  return file;
}
