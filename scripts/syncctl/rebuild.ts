import type { Command } from 'commander';
import { Presets, SingleBar } from 'cli-progress';
import { projectorUrl, readToken } from './config';
import { operatorToken } from './context';
import { CliError, EXIT } from './errors';
import { expectOk, requestJson } from './http';
import type { Run } from './program';
import { parsePositive } from './dlq';

interface Progress {
  version: number;
  done: number;
  total: number;
  ratio: number;
}
interface ViewsStatus {
  live: number | null;
  rebuild: Progress | null;
}

/** Asks the projector to rebuild every view (blue/green) and follows its progress until it switches over. */
export function registerRebuild(program: Command, run: Run): void {
  program
    .command('rebuild')
    .description(
      'rebuild every projector view from offset 0; readers switch when it has caught up (needs OPERATOR_TOKEN)',
    )
    .option('--no-wait', 'return once the rebuild has started')
    .option(
      '--timeout <seconds>',
      'give up waiting after this long (the rebuild carries on)',
      parsePositive,
      3600,
    )
    .action((o: { wait: boolean; timeout: number }) =>
      run(async (ctx) => {
        const base = projectorUrl(ctx.cfg());
        const started = Date.now();
        const r = await requestJson<{ rebuild: Progress }>('projector', `${base}/api/views/rebuild`, {
          method: 'POST',
          token: operatorToken(ctx),
          timeoutMs: 30_000,
        });
        const { rebuild } = expectOk('projector', 'start a rebuild', r);
        if (!o.wait) {
          ctx.out.result(
            { started: rebuild },
            () => `rebuild of version ${rebuild.version} started (${rebuild.total} events to fold)`,
          );
          return EXIT.ok;
        }
        const bar = ctx.out.json
          ? null
          : new SingleBar(
              {
                format: `rebuild v${rebuild.version} [{bar}] {percentage}% {value}/{total} events`,
                stream: process.stderr,
              },
              Presets.shades_classic,
            );
        bar?.start(Math.max(rebuild.total, 1), rebuild.done);
        let status: ViewsStatus;
        try {
          for (;;) {
            status = expectOk(
              'projector',
              'read view status',
              await requestJson<ViewsStatus>('projector', `${base}/api/views`, {
                token: readToken(ctx.cfg()),
              }),
            );
            if (status.rebuild) {
              bar?.setTotal(Math.max(status.rebuild.total, 1));
              bar?.update(status.rebuild.done);
            }
            if (!status.rebuild && (status.live ?? 0) >= rebuild.version) break;
            if (!status.rebuild && (status.live ?? 0) < rebuild.version)
              throw new CliError(
                EXIT.failed,
                `the rebuild of version ${rebuild.version} stopped before switching over (live is ${status.live ?? 'none'})`,
                "see the projector's log (.stack/logs/projector.log under npm start)",
              );
            if (Date.now() - started > o.timeout * 1000)
              throw new CliError(
                EXIT.failed,
                `still rebuilding after ${o.timeout} s; it carries on in the projector`,
                'syncctl status / GET /api/views shows its progress',
              );
            await new Promise((res) => setTimeout(res, 500));
          }
          bar?.update(bar.getTotal());
        } finally {
          bar?.stop();
        }
        const seconds = (Date.now() - started) / 1000;
        ctx.out.result(
          { version: rebuild.version, live: status.live, events: rebuild.total, seconds },
          () =>
            `views rebuilt: version ${rebuild.version} is live (${rebuild.total} events in ${seconds.toFixed(1)} s)`,
        );
        return EXIT.ok;
      }),
    );
}
