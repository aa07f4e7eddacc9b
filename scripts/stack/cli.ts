import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { ConfigError } from '../../shared/src/config';
import { clientEndpoints, loadStackConfig } from './config';
import { down, status, up } from './lifecycle';
import { pruneRunTopics } from './prune';
import { say } from './run';

// `npm run stack -- up|down|status|logs`: the real Kafka, schema registry and MongoDB-wire database
// on 127.0.0.1, installed on first use into .cache/stack, data and logs under .stack/.

const program = new Command('stack').description('local Kafka + schema registry + FerretDB, no Docker');

program
  .command('up')
  .description('install what is missing, start what is not running, wait until all are ready')
  .option('--brokers <n>', 'Kafka brokers: 1, or 3 for a KRaft cluster (remembered until `down`)')
  .action(async (opts: { brokers?: string }) => {
    const cfg = loadStackConfig(
      opts.brokers ? { ...process.env, STACK_KAFKA_BROKERS: opts.brokers } : process.env,
    );
    const t0 = Date.now();
    await up(cfg);
    const ep: Record<string, string> = clientEndpoints(cfg);
    // A cluster keeps three copies of our topics too, two of them in sync before a write is acknowledged.
    if (cfg.brokers >= 3)
      Object.assign(ep, { KAFKA_REPLICATION_FACTOR: '3', KAFKA_MIN_INSYNC_REPLICAS: '2' });
    say(`ready in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    process.stdout.write(
      Object.entries(ep)
        .map(([k, v]) => `${k}=${v}`)
        .join('\n') + '\n',
    );
  });

program
  .command('down')
  .description('stop exactly the processes `up` started')
  .action(async () => {
    const { stopped, leftRunning } = await down(loadStackConfig());
    say(stopped.length ? `stopped ${stopped.join(', ')}` : 'nothing of ours was running');
    if (leftRunning.length) {
      say(`STILL RUNNING: ${leftRunning.join(', ')}`);
      process.exitCode = 1;
    }
  });

program
  .command('prune')
  .description(
    "delete the topics left by test, benchmark and convergence runs older than --hours (never a deployment's)",
  )
  .option('--hours <n>', 'runs that began this many hours ago or more', '6')
  .action(async (opts: { hours: string }) => {
    const hours = Number(opts.hours);
    if (!Number.isFinite(hours) || hours < 0) {
      say(`--hours must be a number of hours >= 0, not ${opts.hours}`);
      process.exitCode = 2;
      return;
    }
    const brokers = clientEndpoints(loadStackConfig()).KAFKA_BROKERS.split(',');
    const n = await pruneRunTopics(brokers, hours * 3600_000);
    say(n ? `deleted ${n} topics of runs older than ${hours} h` : `no topics of runs older than ${hours} h`);
  });

program
  .command('status')
  .description('what runs where')
  .option('--json', 'machine-readable output')
  .action(async (opts: { json?: boolean }) => {
    const rows = await status(loadStackConfig());
    if (opts.json) {
      process.stdout.write(JSON.stringify(rows, null, 2) + '\n');
    } else {
      for (const r of rows) {
        const state = r.ready ? 'ready' : r.running ? 'running, not ready' : 'stopped';
        process.stdout.write(
          `${r.name.padEnd(16)} ${state.padEnd(20)} pid ${String(r.pid ?? '-').padEnd(8)} ${r.address}\n`,
        );
      }
    }
    if (rows.some((r) => r.running && !r.ready)) process.exitCode = 1;
  });

program
  .command('logs')
  .description('print (or follow) the logs of one or all stack processes')
  .argument('[name]', 'kafka (kafka-1.. for a cluster) | schema-registry | ferretdb')
  .option('-f, --follow', 'keep printing new lines')
  .option('-n, --lines <n>', 'lines from the end', '50')
  .action((name: string | undefined, opts: { follow?: boolean; lines: string }) => {
    const cfg = loadStackConfig();
    const names = name
      ? [name]
      : fs
          .readdirSync(cfg.logDir)
          .filter((f) => f.endsWith('.log') && !f.startsWith('install-'))
          .map((f) => f.slice(0, -4));
    const files = names.map((n) => path.join(cfg.logDir, `${n}.log`)).filter((f) => fs.existsSync(f));
    if (files.length === 0) {
      say(`no logs yet in ${cfg.logDir}`);
      process.exitCode = 1;
      return;
    }
    spawn('tail', ['-n', opts.lines, ...(opts.follow ? ['-F'] : []), ...files], { stdio: 'inherit' });
  });

program.parseAsync(process.argv).catch((err: unknown) => {
  if (err instanceof ConfigError) {
    process.stderr.write(`${err.message}\n`);
    process.exit(78);
  }
  say(`failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
