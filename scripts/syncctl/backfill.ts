import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Option, type Command } from 'commander';
import { EXIT, type ExitCode } from './errors';
import type { Run } from './program';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
// In the image there are no sources and no tsx: the build (scripts/image/build.ts) sets this variable
// to "1" in its bundles, where the backfill is a bundle of its own.
const BACKFILL =
  process.env.SIAGHSYNC_BUNDLE === '1'
    ? [path.join(ROOT, 'dist', 'backfill.js')]
    : ['--import', 'tsx', path.join(ROOT, 'services', 'poller', 'src', 'backfill-cli.ts')];

/** The poller's backfill exits 0 ok, 1 partial, 2 could not run, 78 config; 2 is "usage" for us, so it becomes 1. */
export function mapBackfillExit(code: number | null): ExitCode {
  if (code === 0) return EXIT.ok;
  if (code === 78) return EXIT.config;
  return EXIT.failed;
}

/** Delegates to the poller's backfill (same code path as `npm run backfill`), with its progress bars. */
export function registerBackfill(program: Command, run: Run): void {
  program
    .command('backfill')
    .description(
      'initial import: every record of the CRM and/or Siagh as a change event; the syncer links pairs by customer number',
    )
    .addOption(
      new Option('--source <source>', 'which system').choices(['crm', 'siagh', 'both']).default('both'),
    )
    .option('--run-id <id>', 'makes event ids deterministic for this run')
    .option('--concurrency <n>', 'parallel CRM detail calls')
    .action((o: { source: string; runId?: string; concurrency?: string }) =>
      run(async (ctx) => {
        const args = [...BACKFILL, '--source', o.source];
        if (o.runId) args.push('--run-id', o.runId);
        if (o.concurrency) args.push('--concurrency', o.concurrency);
        // With --json the backfill's table (stdout) is captured and returned; progress stays on stderr.
        const child = spawn(process.execPath, args, {
          cwd: ROOT,
          stdio: ['ignore', ctx.out.json ? 'pipe' : 'inherit', 'inherit'],
        });
        let text = '';
        child.stdout?.on('data', (d: Buffer) => (text += d.toString()));
        const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
        const exit = mapBackfillExit(code);
        if (ctx.out.json)
          ctx.out.result(
            { source: o.source, exitCode: exit, backfillExitCode: code, summary: parseSummary(text) },
            () => text,
          );
        return exit;
      }),
    );
}

/** Reads the backfill's summary table back into rows (its stdout format: a header then one line per source). */
export function parseSummary(
  text: string,
): { source: string; read: number; emitted: number; skipped: number; errors: number; complete: boolean }[] {
  return text
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter((c) => c.length === 6 && /^(crm|siagh)$/.test(c[0]!))
    .map((c) => ({
      source: c[0]!,
      read: Number(c[1]),
      emitted: Number(c[2]),
      skipped: Number(c[3]),
      errors: Number(c[4]),
      complete: c[5] === 'complete',
    }));
}
