import path from 'node:path';
import { startKafkaNodes, type KafkaNodes } from '../harness/kafkaNodes';
import { requireEnv } from '../harness/names';
import { killBusiestLeader } from './clusterFaults';
import { formatSummary } from './summary';
import { runConvergence } from './scenario';

// The deployment a company runs: three brokers of the test's own, every topic with three copies and
// two in sync. Under webhook and sync load (seeded faults, kill -9 of the syncer and the projector), the
// leader of the busiest partitions is killed -9 twice and comes back 5 s later. No acknowledged webhook
// may be missing from the log (per request, by correlation id), no customer created twice, and both
// systems must agree. `npm run test:cluster` runs a longer one.

jest.setTimeout(10 * 60_000);

let cluster: KafkaNodes;
beforeAll(async () => {
  cluster = await startKafkaNodes({ count: 3, label: 'cluster' });
}, 180_000);
afterAll(async () => {
  await cluster?.stop();
});

it('three brokers, the busiest leader killed -9 twice: no acknowledged webhook lost, no duplicate, both converge', async () => {
  const killed: string[] = [];
  const r = await runConvergence({
    seed: 7,
    ops: 300,
    rate: 10,
    initial: 40,
    kills: true,
    killProjector: true,
    restartBroker: () => killBusiestLeader(cluster, 5_000, (line) => killed.push(line)),
    brokerRestarts: 2,
    replication: { replicationFactor: 3, minInsyncReplicas: 2 },
    // Idle is no outcome for 20 s: after a broker failure the groups' coordinators move and members
    // wait out their sessions, a pause longer than the single-broker run's 8 s (a check taken during it
    // found the log still growing).
    quietMs: 20_000,
    idleTimeoutMs: 180_000,
    repo: path.resolve(__dirname, '../..'),
    infra: {
      KAFKA_BROKERS: cluster.brokers,
      SCHEMA_REGISTRY_URL: requireEnv('SCHEMA_REGISTRY_URL'),
      MONGODB_URI: requireEnv('MONGODB_URI'),
    },
    log: () => undefined,
  });
  process.stderr.write(`${killed.join('\n')}\n${formatSummary(r)}\n`);
  expect(r.faults['restart:kafka']).toBe(2);
  expect(killed.filter((l) => l.startsWith('kill -9'))).toHaveLength(2);
  expect(r.webhooksAcknowledged).toBeGreaterThan(100);
  expect(r.verdict.findings).toEqual([]);
});
