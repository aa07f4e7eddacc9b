import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Option, type Command } from 'commander';
import { SingleBar, Presets } from 'cli-progress';
import { CrmClient } from '@siaghsync/shared/crm/client';
import { loadCrmConfig } from '@siaghsync/shared/crm/config';
import type { CustomerKind } from '@siaghsync/shared/mapping/canonical';
import { loadSyncConfig, type SyncConfig } from '@siaghsync/shared/mapping/syncConfig';
import { SiaghClient } from '@siaghsync/shared/siagh/client';
import { loadSiaghConfig } from '@siaghsync/shared/siagh/config';
import { fetchCrmDetail } from '../../services/poller/src/crmPoller';
import { mapPool } from '../../services/poller/src/crmPlan';
import { crmSideRecord, siaghSideRecord } from '../../services/syncer/src/reads/bulkFetch';
import type { SideRecord } from '../../services/syncer/src/decide/types';
import { CliError, EXIT, isUnreachable, type ExitCode } from './errors';
import { table } from './format';
import type { Run } from './program';
import type { Ctx } from './context';
import { parsePositive } from './dlq';
import { previewImport, type ImportPreview } from './preview';
import {
  countRows,
  fetchImportResult,
  formatImportSummary,
  waitForImport,
  type ImportSummary,
} from './importSummary';

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
    .option('--dry-run', 'read both systems and report what the import would do; writes nothing')
    .option('--limit <n>', 'examples per category in the dry run table', '10')
    .option('--no-wait', "end when the events are emitted, without waiting for the syncer's summary")
    .option(
      '--wait <seconds>',
      'give up waiting for the summary when no event has been decided for this long',
      parsePositive,
      300,
    )
    .option(
      '--emitted <n>',
      'with --summary-of: how many events the backfill emitted (its table says), to tell a finished import',
      parsePositive,
    )
    .option(
      '--summary-of <correlationIds>',
      'no import: the summary of an earlier one, by the correlation ids its backfill printed (comma-separated)',
    )
    .action((o: BackfillOptions) =>
      run(async (ctx) => {
        if (o.dryRun) {
          const concurrency = Number(o.concurrency ?? 8);
          const limit = Number(o.limit);
          if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64)
            throw new CliError(EXIT.usage, '--concurrency must be an integer between 1 and 64');
          if (!Number.isInteger(limit) || limit < 0)
            throw new CliError(EXIT.usage, '--limit must be a whole number');
          const p = await dryRun(concurrency);
          ctx.out.result(p, () => formatPreview(p, limit));
          return EXIT.ok;
        }
        if (o.summaryOf !== undefined) {
          const ids = o.summaryOf
            .split(',')
            .map((x) => x.trim())
            .filter(Boolean);
          if (ids.length === 0)
            throw new CliError(EXIT.usage, '--summary-of needs at least one correlation id');
          const result = await fetchImportResult(ctx, ids);
          const emitted = o.emitted ?? null;
          const complete = emitted !== null && result.decided >= emitted && result.unsettled === 0;
          const s: ImportSummary = {
            correlationIds: ids,
            emitted,
            read: null,
            collisions: null,
            result,
            complete,
          };
          ctx.out.result(s, () => formatImportSummary(s));
          // Exit 1 when known to be unfinished; without --emitted the header says it cannot tell.
          return emitted !== null && !complete ? EXIT.failed : EXIT.ok;
        }
        return importNow(ctx, o);
      }),
    );
}

interface BackfillOptions {
  source: string;
  runId?: string;
  concurrency?: string;
  dryRun?: boolean;
  limit: string;
  wait: number | false;
  summaryOf?: string;
  emitted?: number;
}

/** The backfill (its progress on stderr, its table on stdout), then the syncer's summary of it. */
async function importNow(ctx: Ctx, o: BackfillOptions): Promise<ExitCode> {
  const args = [...BACKFILL, '--source', o.source];
  if (o.runId) args.push('--run-id', o.runId);
  if (o.concurrency) args.push('--concurrency', o.concurrency);
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  let text = '';
  child.stdout.on('data', (d: Buffer) => {
    text += d.toString();
    if (!ctx.out.json) process.stdout.write(d);
  });
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  const exit = mapBackfillExit(code);
  const rows = parseSummary(text);
  let summary: ImportSummary | null = null;
  if (o.wait !== false && rows.length > 0) {
    const ids = rows.map((r) => r.correlationId);
    const emitted = rows.reduce((n, r) => n + r.emitted, 0);
    const waited = await waitForImport(ctx, ids, emitted, { stallMs: o.wait * 1000, pollMs: 3000 });
    const of = (side: 'crm' | 'siagh', k: 'read' | 'collisions') =>
      rows.find((r) => r.source === side)?.[k] ?? 0;
    summary = {
      correlationIds: ids,
      emitted,
      read: { crm: of('crm', 'read'), siagh: of('siagh', 'read') },
      collisions: { crm: of('crm', 'collisions'), siagh: of('siagh', 'collisions') },
      ...waited,
    };
    if (!ctx.out.json) process.stdout.write(`\n${formatImportSummary(summary)}\n`);
  }
  if (ctx.out.json)
    ctx.out.result(
      { source: o.source, exitCode: exit, backfillExitCode: code, summary: rows, import: summary },
      () => text,
    );
  return exit === EXIT.ok && summary !== null && !summary.complete ? EXIT.failed : exit;
}

export interface BackfillRow {
  source: 'crm' | 'siagh';
  read: number;
  emitted: number;
  skipped: number;
  errors: number;
  collisions: number;
  complete: boolean;
  correlationId: string;
}

/** Reads the backfill's summary table back into rows (its stdout format: a header then one line per source). */
export function parseSummary(text: string): BackfillRow[] {
  return text
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter((c) => c.length === 8 && /^(crm|siagh)$/.test(c[0]!))
    .map((c) => ({
      source: c[0] as 'crm' | 'siagh',
      read: Number(c[1]),
      emitted: Number(c[2]),
      skipped: Number(c[3]),
      errors: Number(c[4]),
      collisions: Number(c[5]),
      complete: c[6] === 'complete',
      correlationId: c[7]!,
    }));
}

/** Every CRM identity (list pages, then a get each: its only way to the content) and one Siagh GetAll. */
export async function dryRun(
  concurrency: number,
  env: NodeJS.ProcessEnv = process.env,
): Promise<ImportPreview> {
  let config: SyncConfig;
  let crm: CrmClient;
  let siagh: SiaghClient;
  try {
    config = loadSyncConfig(undefined, env);
    crm = new CrmClient(loadCrmConfig(env), { deviceId: 'siaghsync-syncctl' });
    siagh = new SiaghClient(loadSiaghConfig(env));
  } catch (err) {
    throw new CliError(EXIT.config, (err as Error).message);
  }
  try {
    const bar = new SingleBar(
      { format: 'crm   [{bar}] {value}/{total} identities read', stream: process.stderr },
      Presets.shades_classic,
    );
    const ids: [string, CustomerKind][] = [];
    for (const [type, kind] of [
      [1, 'person'],
      [2, 'organization'],
    ] as const)
      for await (const i of crm.iterateIdentities({ identityType: type, pageSize: 100 }))
        ids.push([i.identityId, kind]);
    bar.start(ids.length, 0);
    const crmRecords: SideRecord[] = [];
    const read = await mapPool(ids, concurrency, async ([id, kind]) => {
      const readAt = Date.now();
      const r = await fetchCrmDetail(crm, id, kind);
      bar.increment();
      return r === 'gone' ? null : crmSideRecord(id, r, kind, config, readAt);
    });
    bar.stop();
    for (const r of read) if (r) crmRecords.push(r);
    const readAt = Date.now();
    const contacts = await siagh.getAllContacts();
    const siaghRecords = contacts.map((c) => siaghSideRecord(c as Record<string, unknown>, config, readAt));
    return previewImport({ crm: crmRecords, siagh: siaghRecords, config, now: Date.now() });
  } catch (err) {
    if (isUnreachable(err)) throw new CliError(EXIT.unreachable, (err as Error).message);
    throw err;
  }
}

export function formatPreview(p: ImportPreview, limit: number): string {
  const out = [
    'import preview (dry run: nothing was written)',
    table(['what', 'count'], countRows(p.counts)),
  ];
  if (p.collisions.length)
    out.push(
      '',
      'collisions',
      table(
        ['side', 'number', 'records', 'linked'],
        p.collisions.slice(0, limit).map((x) => [x.side, x.customerNumber, x.ids.join(' '), x.linked]),
      ),
    );
  if (p.differing.length)
    out.push(
      '',
      'differing pairs',
      table(
        ['number', 'field', 'crm', 'siagh', 'outcome', 'winner'],
        p.differing
          .slice(0, limit)
          .flatMap((d) =>
            d.fields.map((f) => [
              d.customerNumber,
              f.field,
              JSON.stringify(f.crm),
              JSON.stringify(f.siagh),
              f.outcome,
              f.winner,
            ]),
          ),
      ),
    );
  if (p.creates.length)
    out.push(
      '',
      'creates',
      table(
        ['in', 'from', 'number', 'name'],
        p.creates.slice(0, limit).map((x) => [x.side, x.fromId, x.customerNumber, x.name]),
      ),
    );
  return out.join('\n');
}
