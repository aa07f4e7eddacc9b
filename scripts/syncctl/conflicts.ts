import { Option, type Command } from 'commander';
import { projectorUrl } from './config';
import { operatorToken } from './context';
import { CliError, EXIT } from './errors';
import { formatTime, table, truncate } from './format';
import { expectOk, requestJson } from './http';
import { readPages } from './pages';
import type { Run } from './program';
import { jsonValueProblem } from '@siaghsync/shared/operator/resolution';
import { parsePositive } from './dlq';

export interface ConflictItem {
  _id: string;
  conflictId: string;
  canonicalKey: string;
  state: string;
  detectedAt: number;
  conflict?: { field: string; crmValue: unknown; siaghValue: unknown; policy?: string } | null;
  [k: string]: unknown;
}

export function formatConflicts(items: ConflictItem[], more: boolean): string {
  if (items.length === 0) return 'no conflicts';
  const v = (x: unknown) =>
    truncate(x === null || x === undefined ? null : typeof x === 'string' ? x : JSON.stringify(x), 30);
  const t = table(
    ['id', 'entity', 'state', 'field', 'crm', 'siagh', 'detected'],
    items.map((c) => [
      c.conflictId,
      c.canonicalKey,
      c.state,
      c.conflict?.field ?? '-',
      v(c.conflict?.crmValue),
      v(c.conflict?.siaghValue),
      formatTime(c.detectedAt),
    ]),
  );
  return more ? `${t}\n(more: raise --limit)` : t;
}

/** The resolve request body; the choice/value pairing is checked here so a mistake is a usage error (2). */
export function resolutionBody(o: { choice: string; value?: string; by?: string }): {
  choice: 'crm' | 'siagh' | 'value';
  value?: string;
  resolvedBy?: string;
} {
  if (o.choice === 'value' && o.value === undefined)
    throw new CliError(EXIT.usage, '--choice value needs --value <text>');
  if (o.choice !== 'value' && o.value !== undefined)
    throw new CliError(
      EXIT.usage,
      `--value only goes with --choice value (the ${o.choice} side's value is used)`,
    );
  // Bare text used to reach the syncer, whose JSON.parse failed on it; the projector checks the field.
  const problem = o.value === undefined ? null : jsonValueProblem(o.value);
  if (problem !== null) throw new CliError(EXIT.usage, problem);
  return {
    choice: o.choice as 'crm' | 'siagh' | 'value',
    ...(o.value !== undefined ? { value: o.value } : {}),
    ...(o.by ? { resolvedBy: o.by } : {}),
  };
}

export function registerConflicts(program: Command, run: Run): void {
  const conflicts = program
    .command('conflicts')
    .description('fields changed on both sides to different values');
  conflicts
    .command('list')
    .description('list conflicts, newest first')
    .addOption(
      new Option('--state <state>', 'which')
        .choices(['open', 'resolving', 'auto-resolved', 'resolved', 'unsettled', 'all'])
        .default('unsettled'),
    )
    .option('--entity <canonicalKey>', 'only this entity (customer:<n>)')
    .option('--limit <n>', 'at most this many', parsePositive, 50)
    .action((o: { state: string; entity?: string; limit: number }) =>
      run(async (ctx) => {
        const r = await readPages<ConflictItem>(
          ctx,
          '/api/conflicts',
          { state: o.state === 'all' ? undefined : o.state, canonicalKey: o.entity },
          o.limit,
          'list conflicts',
        );
        ctx.out.result(r, () => formatConflicts(r.items, r.more));
        return EXIT.ok;
      }),
    );
  conflicts
    .command('resolve')
    .description('settle an open conflict (needs OPERATOR_TOKEN); the syncer applies it in order')
    .argument('<id>', 'conflict id (see conflicts list)')
    .addOption(
      new Option('--choice <side>', 'which value wins')
        .choices(['crm', 'siagh', 'value'])
        .makeOptionMandatory(),
    )
    .option(
      '--value <json>',
      `the value to write to both sides (with --choice value), as JSON: '"Tehran"' for a text, true/false for active`,
    )
    .option('--by <name>', 'who resolved it (recorded in the audit)', process.env.USER)
    .action((id: string, o: { choice: string; value?: string; by?: string }) =>
      run(async (ctx) => {
        const body = resolutionBody(o);
        const token = operatorToken(ctx);
        const r = await requestJson<{
          resolutionId: string;
          correlationId: string;
          error?: string;
          message?: string;
        }>('projector', `${projectorUrl(ctx.cfg())}/api/conflicts/${encodeURIComponent(id)}/resolve`, {
          method: 'POST',
          token,
          body,
          timeoutMs: 30_000,
        });
        if (r.status === 404)
          throw new CliError(EXIT.failed, `no conflict with id ${id}`, 'syncctl conflicts list --state all');
        if (r.status === 409)
          throw new CliError(EXIT.failed, `conflict ${id} is not open: ${r.body.message ?? ''}`.trim());
        const ok = expectOk('projector', 'resolve the conflict', r);
        ctx.out.result(
          { conflictId: id, ...ok },
          () =>
            `conflict ${id} resolved with ${o.choice}: resolution ${ok.resolutionId}, correlation id ${ok.correlationId}`,
        );
        return EXIT.ok;
      }),
    );
}
