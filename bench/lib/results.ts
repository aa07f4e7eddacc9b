// Minimal benchmark result helpers (DESIGN.md format): each figure beside the baseline measured in the
// same run, written to bench/results/<name>.json and printed as a table.

import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Figure {
  name: string;
  value: number;
  unit: string;
  baseline: string;
  baselineValue: number;
  ratio: number;
  goal: string;
  met: boolean;
}

export function figure(f: Omit<Figure, 'ratio'> & { ratio?: number }): Figure {
  const ratio = f.ratio ?? (f.baselineValue === 0 ? 0 : f.value / f.baselineValue);
  return { ...f, ratio: Math.round(ratio * 1000) / 1000 };
}

export const RESULTS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'results');

export function writeResults(name: string, figures: Figure[]): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = path.join(RESULTS_DIR, `${name}.json`);
  writeFileSync(file, `${JSON.stringify({ name, figures }, null, 2)}\n`);
  return file;
}

export function printTable(name: string, figures: Figure[]): void {
  const rows = figures.map((f) => [
    f.name,
    `${round(f.value)} ${f.unit}`,
    `${f.baseline}: ${round(f.baselineValue)}`,
    String(f.ratio),
    f.goal,
    f.met ? 'yes' : 'NO',
  ]);
  const head = ['figure', 'value', 'baseline', 'ratio', 'goal', 'met'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ');
  process.stdout.write(
    `\n${name}\n${line(head)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}\n${rows.map(line).join('\n')}\n`,
  );
}

const round = (n: number) => (Math.abs(n) >= 100 ? Math.round(n) : Math.round(n * 100) / 100);
