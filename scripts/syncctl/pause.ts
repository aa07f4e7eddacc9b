import { Option, type Command } from 'commander';
import { describePause, type PauseFlag } from '@siaghsync/shared/operator/pause';
import { projectorUrl } from './config';
import { operatorToken, type Ctx } from './context';
import { CliError, EXIT } from './errors';
import { expectOk, requestJson } from './http';
import type { Run } from './program';

// `syncctl pause` / `resume`: stop the syncer's writes for everything, one side or some customers, and
// take them up again (shared/src/operator/pause.ts). Events keep being consumed; each entity whose next
// write is paused waits, in order. The flag is held in Kafka, so it lasts across restarts.

interface PauseOptions {
  side?: 'crm' | 'siagh';
  reason?: string;
  by?: string;
}

/** The scopes a command line names: customers, else a side, else everything. */
export function scopesOf(customers: string[], side: 'crm' | 'siagh' | undefined): string[] {
  if (customers.length > 0 && side)
    throw new CliError(
      EXIT.usage,
      'give customers or --side, not both: a customer pause stops all its writes',
    );
  if (customers.length === 0) return [side ?? 'all'];
  return customers.map((c) => {
    // 100-1234 (the CRM's form) or 1234 (Siagh's tmpid) name customer 1234.
    const m = /^(?:100-)?([1-9][0-9]{0,17})$/.exec(c.trim());
    if (!m) throw new CliError(EXIT.usage, `not a customer number: ${c} (give 100-1234 or 1234)`);
    return `customer:${m[1]}`;
  });
}

async function send(ctx: Ctx, path: '/api/pause' | '/api/resume', scopes: string[], o: PauseOptions) {
  const token = operatorToken(ctx);
  const flags: PauseFlag[] = [];
  for (const scope of scopes) {
    const r = await requestJson<PauseFlag>('projector', `${projectorUrl(ctx.cfg())}${path}`, {
      method: 'POST',
      token,
      body: { scope, ...(o.reason && { reason: o.reason }), ...(o.by && { by: o.by }) },
      timeoutMs: 15_000,
    });
    flags.push(expectOk('projector', path === '/api/pause' ? 'pause' : 'resume', r));
  }
  return flags;
}

interface SyncerSeen {
  url: string;
  reachable: boolean;
  paused?: PauseFlag[];
}

export interface Applied {
  /** Syncer instances that read the flags as asked. */
  applied: string[];
  /** Instances that did not within the wait (unreachable, another OPERATOR_EVENT_KEY, behind). */
  missing: string[];
  /** False when the projector knows no syncer to ask (SYNCER_URLS unset). */
  known: boolean;
}

/** Which syncers report each scope as asked (paused or not). Pure. */
export function appliedBy(
  syncers: readonly SyncerSeen[],
  scopes: readonly string[],
  paused: boolean,
): Applied {
  const applied: string[] = [];
  const missing: string[] = [];
  for (const s of syncers) {
    const held = new Set<string>((s.paused ?? []).map((f) => f.scope));
    const ok = s.reachable && s.paused !== undefined && scopes.every((sc) => held.has(sc) === paused);
    (ok ? applied : missing).push(s.url);
  }
  return { applied, missing, known: syncers.length > 0 };
}

/**
 * Waits (up to 10 s) until every syncer the projector knows reads the flags as asked: a syncer with
 * another OPERATOR_EVENT_KEY ignores them, and the operator must learn that here, not from a write.
 */
async function waitApplied(ctx: Ctx, scopes: string[], paused: boolean): Promise<Applied> {
  const url = `${projectorUrl(ctx.cfg())}/api/freshness`;
  const deadline = Date.now() + 10_000;
  for (;;) {
    const r = await requestJson<{ syncers: SyncerSeen[] }>('projector', url, {
      token: operatorToken(ctx),
      timeoutMs: 5_000,
    });
    const seen = appliedBy(expectOk('projector', 'read the syncers', r).syncers, scopes, paused);
    if (seen.missing.length === 0 || Date.now() > deadline) return seen;
    await new Promise((res) => setTimeout(res, 500));
  }
}

function appliedLine(a: Applied): string {
  if (!a.known) return 'not confirmed: the projector knows no syncer to ask (SYNCER_URLS)';
  if (a.missing.length === 0) return `applied by ${a.applied.length} of ${a.applied.length} syncers`;
  return `NOT applied by ${a.missing.join(', ')} within 10 s (unreachable, or another OPERATOR_EVENT_KEY: see its log)`;
}

export function registerPause(program: Command, run: Run): void {
  const side = new Option('--side <side>', 'only the writes to this system').choices(['crm', 'siagh']);
  program
    .command('pause')
    .description(
      'pause the syncer\'s writes (all, --side, or customers); events wait in order until "resume" (needs OPERATOR_TOKEN)',
    )
    .argument('[customers...]', 'customer numbers (100-1234 or 1234); none: every customer')
    .addOption(side)
    .option('--reason <text>', 'why (shown in status, the audit and the pending list)')
    .option('--by <name>', 'who asks (default: operator)')
    .action((customers: string[], o: PauseOptions) =>
      run(async (ctx) => {
        const scopes = scopesOf(customers, o.side);
        const flags = await send(ctx, '/api/pause', scopes, o);
        const applied = await waitApplied(ctx, scopes, true);
        ctx.out.result({ paused: flags, ...applied }, () =>
          [...flags.map((f) => describePause(f)), appliedLine(applied)].join('\n'),
        );
        return applied.missing.length === 0 ? EXIT.ok : EXIT.failed;
      }),
    );
  program
    .command('resume')
    .description('lift a pause given by "pause" (the same scope); the entities that waited go on, in order')
    .argument('[customers...]', 'customer numbers (100-1234 or 1234); none: every customer')
    .addOption(new Option('--side <side>', 'the pause of this system').choices(['crm', 'siagh']))
    .option('--by <name>', 'who asks (default: operator)')
    .action((customers: string[], o: PauseOptions) =>
      run(async (ctx) => {
        const scopes = scopesOf(customers, o.side);
        const flags = await send(ctx, '/api/resume', scopes, o);
        const applied = await waitApplied(ctx, scopes, false);
        ctx.out.result({ resumed: flags, ...applied }, () =>
          [...flags.map((f) => `${f.scope}: resumed`), appliedLine(applied)].join('\n'),
        );
        return applied.missing.length === 0 ? EXIT.ok : EXIT.failed;
      }),
    );
}
