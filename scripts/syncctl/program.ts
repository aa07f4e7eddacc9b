import { Command, CommanderError } from 'commander';
import { createCtx, type Ctx } from './context';
import { EXIT, type ExitCode } from './errors';
import { registerBackfill } from './backfill';
import { registerCheck } from './check';
import { registerConfigCheck } from './configCheck';
import { registerConflicts } from './conflicts';
import { registerDlq } from './dlq';
import { registerEntity } from './entity';
import { registerPause } from './pause';
import { registerPending } from './pending';
import { registerRebuild } from './rebuild';
import { registerReplay } from './replay';
import { registerResync } from './resync';
import { registerStatus } from './status';
import { registerWhy } from './why';

export type Run = (fn: (ctx: Ctx) => Promise<ExitCode>) => Promise<void>;

/**
 * Builds the CLI. Every action goes through `run`, which owns the context (config, Kafka admin),
 * turns any error into its message and exit code, and always closes connections. Built by a function
 * (not at import) so tests can parse arguments without running anything.
 */
export function buildProgram(onExit: (code: number) => void = (c) => (process.exitCode = c)): Command {
  const program = new Command('syncctl')
    .description(
      'Operate SiaghSync: status, check, backfill, rebuild, dead letters, pending work, pause and resume, conflicts, entities, replay, resync',
    )
    .option('--json', 'print one JSON document on stdout (progress and notes are left out)')
    .showHelpAfterError('(syncctl --help lists the commands)')
    .exitOverride();
  const run: Run = async (fn) => {
    const ctx = createCtx(Boolean(program.opts<{ json?: boolean }>().json));
    let code: number;
    try {
      code = await fn(ctx);
    } catch (err) {
      code = ctx.out.error(err);
    } finally {
      await ctx.close();
    }
    onExit(code);
  };
  registerStatus(program, run);
  registerCheck(program, run);
  registerConfigCheck(program, run);
  registerBackfill(program, run);
  registerRebuild(program, run);
  registerDlq(program, run);
  registerPending(program, run);
  registerPause(program, run);
  registerConflicts(program, run);
  registerEntity(program, run);
  registerWhy(program, run);
  registerReplay(program, run);
  registerResync(program, run);
  for (const c of program.commands) c.exitOverride().showHelpAfterError();
  return program;
}

/** Commander's own errors (unknown option, missing argument) are usage errors: exit 2; --help is 0. */
export function commanderExitCode(err: unknown): number {
  if (!(err instanceof CommanderError)) throw err;
  return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
}
