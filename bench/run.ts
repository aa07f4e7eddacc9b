// `npm run bench [-- <name>...]`: runs bench/<name>.ts (every benchmark when no name is given), each in
// its own process so one's heap and timers cannot skew another's figures; then draws the latency
// percentiles of every result in bench/results/ (this run's and earlier ones') into latency.png.

import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeLatencyChart } from './lib/render';

const dir = path.dirname(fileURLToPath(import.meta.url));
const all = readdirSync(dir)
  .filter((f) => f.endsWith('.ts') && f !== 'run.ts')
  .map((f) => f.slice(0, -3));
const names = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const chosen = names.length > 0 ? names : all;
let failed = 0;
for (const name of chosen) {
  if (!all.includes(name)) {
    process.stderr.write(`unknown benchmark ${name}; known: ${all.join(', ')}\n`);
    process.exit(2);
  }
  const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', path.join(dir, `${name}.ts`)], {
    stdio: 'inherit',
  });
  if (r.status !== 0) failed++;
}
try {
  const chart = await writeLatencyChart();
  process.stderr.write(chart ? `[bench] latency chart: ${chart}\n` : '[bench] no latency figures to chart\n');
} catch (err) {
  process.stderr.write(`[bench] latency chart failed: ${err instanceof Error ? err.message : String(err)}\n`);
  failed++;
}
process.exit(failed === 0 ? 0 : 1);
