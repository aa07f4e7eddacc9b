import { InvalidArgumentError, Option, type Command } from 'commander';
import { Presets, SingleBar } from 'cli-progress';
import { projectorUrl } from './config';
import { operatorToken, type Ctx } from './context';
import { CliError, EXIT } from './errors';
import { formatTime, table, truncate } from './format';
import { expectOk, requestJson } from './http';
import { readPages } from './pages';
import type { Run } from './program';

export interface DeadLetterItem {
  _id: string;
  canonicalKey: string;
  redriveState: 'pending' | 'redriven';
  lastFailedAt: number;
  attempts?: number;
  error?: { code?: string; message?: string; sourceMessage?: string } | null;
  [k: string]: unknown;
}

type RedriveResult = { deadLetterId: string; accepted: boolean; reason?: string; correlationId?: string };

export function formatDeadLetters(items: DeadLetterItem[], more: boolean): string {
  if (items.length === 0) return 'no dead letters';
  const t = table(
    ['id', 'entity', 'state', 'last failed', 'reason', 'message'],
    items.map((d) => [
      d._id,
      d.canonicalKey,
      d.redriveState,
      formatTime(d.lastFailedAt),
      d.error?.code ?? '-',
      truncate(d.error?.sourceMessage ?? d.error?.message, 60),
    ]),
  );
  return more ? `${t}\n(more: raise --limit)` : t;
}

async function list(
  ctx: Ctx,
  state: string | undefined,
  limit: number,
): Promise<{ items: DeadLetterItem[]; more: boolean }> {
  return readPages<DeadLetterItem>(
    ctx,
    '/api/dead-letters',
    { redriveState: state },
    limit,
    'list dead letters',
  );
}

async function redrive(ctx: Ctx, ids: string[]): Promise<RedriveResult[]> {
  const token = operatorToken(ctx);
  const url = `${projectorUrl(ctx.cfg())}/api/dead-letters/redrive`;
  const bar =
    ctx.out.json || ids.length < 2
      ? null
      : new SingleBar(
          { format: 'redrive [{bar}] {value}/{total}', stream: process.stderr },
          Presets.shades_classic,
        );
  bar?.start(ids.length, 0);
  const results: RedriveResult[] = [];
  try {
    // The projector takes at most 500 ids a request and answers each one separately.
    for (let i = 0; i < ids.length; i += 500) {
      const r = await requestJson<{ results: RedriveResult[] }>('projector', url, {
        method: 'POST',
        token,
        body: { ids: ids.slice(i, i + 500) },
        timeoutMs: 60_000,
      });
      results.push(...expectOk('projector', 'redrive dead letters', r).results);
      bar?.update(results.length);
    }
  } finally {
    bar?.stop();
  }
  return results;
}

export function registerDlq(program: Command, run: Run): void {
  const dlq = program.command('dlq').description('dead letters: events that failed permanently');
  dlq
    .command('list')
    .description('list dead letters with their reason, newest first')
    .addOption(
      new Option('--state <state>', 'redrive state')
        .choices(['pending', 'redriven', 'all'])
        .default('pending'),
    )
    .option('--limit <n>', 'at most this many', parsePositive, 50)
    .action((o: { state: string; limit: number }) =>
      run(async (ctx) => {
        const r = await list(ctx, o.state === 'all' ? undefined : o.state, o.limit);
        ctx.out.result(r, () => formatDeadLetters(r.items, r.more));
        return EXIT.ok;
      }),
    );
  dlq
    .command('redrive')
    .description('send dead letters back to the syncer (needs OPERATOR_TOKEN)')
    .argument('[ids...]', 'dead letter ids (see dlq list)')
    .option('--all', 'every pending dead letter')
    .action((ids: string[], o: { all?: boolean }) =>
      run(async (ctx) => {
        if (o.all && ids.length > 0)
          throw new CliError(EXIT.usage, 'give dead letter ids or --all, not both');
        if (!o.all && ids.length === 0)
          throw new CliError(EXIT.usage, 'which dead letters? give their ids or --all');
        const targets = o.all ? (await list(ctx, 'pending', 100_000)).items.map((d) => d._id) : ids;
        if (targets.length === 0) {
          ctx.out.result({ results: [], accepted: 0, refused: 0 }, () => 'no pending dead letters');
          return EXIT.ok;
        }
        const results = await redrive(ctx, targets);
        const accepted = results.filter((r) => r.accepted).length;
        const summary = { results, accepted, refused: results.length - accepted };
        ctx.out.result(summary, () =>
          [
            table(
              ['dead letter', 'result', 'correlation id'],
              results.map((r) => [
                r.deadLetterId,
                r.accepted ? 'redriven' : `refused: ${r.reason ?? '?'}`,
                r.correlationId ?? '-',
              ]),
            ),
            `${accepted} redriven, ${summary.refused} refused`,
          ].join('\n'),
        );
        return summary.refused === 0 ? EXIT.ok : EXIT.failed;
      }),
    );
}

export function parsePositive(v: string): number {
  const n = Number(v);
  // commander turns InvalidArgumentError into a usage error (exit 2) naming the option.
  if (!Number.isInteger(n) || n < 1)
    throw new InvalidArgumentError(`expected a positive integer, got "${v}"`);
  return n;
}
