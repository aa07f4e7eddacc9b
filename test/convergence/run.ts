import { Command } from 'commander';
import { clientEndpoints, loadStackConfig, REPO_ROOT } from '../../scripts/stack/config';
import { down, restartOne, status, up } from '../../scripts/stack/lifecycle';
import type { Replication } from '@siaghsync/shared/kafka/index';
import { startKafkaNodes } from '../harness/kafkaNodes';
import { pruneRunTopics } from '../../scripts/stack/prune';
import { killBusiestLeader } from './clusterFaults';
import { runConvergence } from './scenario';
import { formatSummary } from './summary';

// `npm run test:convergence -- --seed N --ops M`: one seeded run under faults, a summary table and the
// checker's verdict; exit 0 when clean, 1 when not (or the run failed). The seed is printed first so a
// failure replays. Uses KAFKA_BROKERS/SCHEMA_REGISTRY_URL/MONGODB_URI when set, else the local stack
// (started if needed, and then stopped again unless --keep-stack).

const say = (line: string) => void process.stderr.write(`[convergence] ${line}\n`);

async function main(): Promise<number> {
  const opts = new Command('test:convergence')
    .description('Seeded random load on both simulators under faults, then check that both systems agree')
    .option(
      '--seed <n>',
      'seed of the load and the faults (default: from the clock)',
      String(Date.now() % 100_000),
    )
    .option('--ops <n>', 'operations', '500')
    .option('--rate <n>', 'operations per second', '10')
    .option('--initial <n>', 'customers seeded before the load (60% on both sides)', '40')
    .option('--no-kills', 'no kill -9 of the syncer or the projector')
    .option('--no-kill-projector', 'kill -9 only the syncer')
    .option(
      '--no-broker-restart',
      'no stop and start of Kafka in the middle of the load (there is none unless this command runs the local stack)',
    )
    .option(
      '--cluster',
      'a three-broker Kafka cluster of its own (3 copies, 2 in sync) beside the local registry and database',
    )
    .option(
      '--broker-restarts <n>',
      'broker failures during the load (with --cluster: kill -9 of the busiest leader)',
      '1',
    )
    .option('--quiet-ms <n>', 'idle = no new outcome for this long', '10000')
    .option('--idle-timeout-ms <n>', 'give up waiting for idle after this long', '180000')
    .option('--keep-stack', 'leave a local stack this command started running')
    .parse()
    .opts<{
      seed: string;
      ops: string;
      rate: string;
      initial: string;
      kills: boolean;
      killProjector: boolean;
      brokerRestart: boolean;
      cluster?: boolean;
      brokerRestarts: string;
      quietMs: string;
      idleTimeoutMs: string;
      keepStack?: boolean;
    }>();
  const seed = Number(opts.seed);
  // The replay line names every option that shapes the run, so a failure found with a backlog replays with it.
  const shaping = [`--ops ${opts.ops}`, `--rate ${opts.rate}`, `--initial ${opts.initial}`];
  say(`seed ${seed} (replay: npm run test:convergence -- --seed ${seed} ${shaping.join(' ')})`);
  const env = process.env;
  let infra;
  let stopStack: () => Promise<unknown> = () => Promise.resolve();
  let restartBroker: (() => Promise<void>) | undefined;
  let replication: Replication | undefined;
  if (opts.cluster) {
    const cfg = loadStackConfig();
    const started = !(await status(cfg)).some((s) => s.running);
    await up(cfg);
    const cluster = await startKafkaNodes({ count: 3, label: 'cluster' });
    say(`three-broker cluster at ${cluster.brokers}`);
    infra = { ...clientEndpoints(cfg), KAFKA_BROKERS: cluster.brokers };
    replication = { replicationFactor: 3, minInsyncReplicas: 2 };
    stopStack = async () => {
      await cluster.stop();
      if (started && !opts.keepStack) await down(cfg);
    };
    if (opts.brokerRestart) restartBroker = () => killBusiestLeader(cluster, 5_000, say);
  } else if (env.KAFKA_BROKERS && env.SCHEMA_REGISTRY_URL && env.MONGODB_URI) {
    infra = {
      KAFKA_BROKERS: env.KAFKA_BROKERS,
      SCHEMA_REGISTRY_URL: env.SCHEMA_REGISTRY_URL,
      MONGODB_URI: env.MONGODB_URI,
    };
  } else {
    const cfg = loadStackConfig();
    const started = !(await status(cfg)).some((s) => s.running);
    await up(cfg);
    infra = clientEndpoints(cfg);
    // A broker holding earlier runs' topics takes minutes to restart (scripts/stack/prune.ts).
    const pruned = await pruneRunTopics(infra.KAFKA_BROKERS.split(','), 6 * 3600_000);
    if (pruned > 0) say(`deleted ${pruned} topics of runs older than 6 h`);
    if (started && !opts.keepStack) stopStack = () => down(cfg);
    // The same broker on its data directory: clients must reconnect and resume by themselves.
    if (opts.brokerRestart)
      restartBroker = async () => {
        const { downMs } = await restartOne(cfg, 'kafka');
        say(`broker restarted (${(downMs / 1000).toFixed(1)} s without Kafka)`);
      };
  }
  try {
    const r = await runConvergence({
      seed,
      ops: Number(opts.ops),
      rate: Number(opts.rate),
      initial: Number(opts.initial),
      kills: opts.kills,
      killProjector: opts.killProjector,
      restartBroker,
      brokerRestarts: Number(opts.brokerRestarts),
      ...(replication && { replication }),
      quietMs: Number(opts.quietMs),
      idleTimeoutMs: Number(opts.idleTimeoutMs),
      repo: REPO_ROOT,
      infra,
      log: say,
    });
    process.stdout.write(`${formatSummary(r)}\n`);
    return r.verdict.findings.length === 0 ? 0 : 1;
  } finally {
    await stopStack();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    say(`run failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exit(1);
  },
);
