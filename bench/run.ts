// `npm run bench [-- <name>...]`: runs bench/<name>.ts (every benchmark when no name is given), each in
// its own process so one's heap and timers cannot skew another's figures; then draws the latency
// percentiles of every result in bench/results/ (this run's and earlier ones') into latency.png.
// Like the tests, it starts the local stack when KAFKA_BROKERS is not set (installing it on a fresh
// clone) and stops it at the end if it started it.

import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeLatencyChart } from './lib/render';
import { clientEndpoints, loadStackConfig } from '../scripts/stack/config';
import { down, status, up } from '../scripts/stack/lifecycle';

const dir = path.dirname(fileURLToPath(import.meta.url));
const all = readdirSync(dir)
  .filter((f) => f.endsWith('.ts') && f !== 'run.ts')
  .map((f) => f.slice(0, -3));
const names = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const chosen = names.length > 0 ? names : all;
for (const name of chosen) {
  if (!all.includes(name)) {
    process.stderr.write(`unknown benchmark ${name}; known: ${all.join(', ')}\n`);
    process.exit(2);
  }
}
let stopStack: (() => Promise<unknown>) | undefined;
const env = { ...process.env };
if (!process.env.KAFKA_BROKERS) {
  const cfg = loadStackConfig();
  const before = await status(cfg);
  process.stderr.write('[bench] starting the local stack (npm run stack -- up)\n');
  await up(cfg);
  Object.assign(env, clientEndpoints(cfg));
  if (!before.some((s) => s.running) && process.env.BENCH_STACK_KEEP !== '1') stopStack = () => down(cfg);
}
let failed = 0;
for (const name of chosen) {
  const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', path.join(dir, `${name}.ts`)], {
    stdio: 'inherit',
    env,
  });
  if (r.status !== 0) failed++;
}
if (stopStack) {
  process.stderr.write('[bench] stopping the local stack it started (BENCH_STACK_KEEP=1 keeps it)\n');
  await stopStack();
}
try {
  const chart = await writeLatencyChart();
  process.stderr.write(chart ? `[bench] latency chart: ${chart}\n` : '[bench] no latency figures to chart\n');
} catch (err) {
  process.stderr.write(`[bench] latency chart failed: ${err instanceof Error ? err.message : String(err)}\n`);
  failed++;
}
process.exit(failed === 0 ? 0 : 1);
