import path from 'node:path';
import { requireEnv } from '../harness/names';
import { formatSummary } from './summary';
import { runConvergence } from './scenario';

// The small convergence run of `npm test` (DESIGN.md, "How we know it works"): seed 1, 150 operations
// (quotes among them) under faults including a kill -9 of the syncer and of the projector; the checker
// must find nothing and the views must equal a rebuild. No broker restart here: restarting the shared
// broker would disturb the suites around it and on a long-lived broker it takes a while. Larger runs,
// with the broker restart: `npm run test:convergence -- --seed N --ops M`.

jest.setTimeout(8 * 60_000);

it('seed 1, 150 ops under faults: both systems converge, no duplicates, dead letters explained, views = rebuild', async () => {
  const r = await runConvergence({
    seed: 1,
    ops: 150,
    rate: 10,
    initial: 40,
    kills: true,
    killProjector: true,
    quietMs: 8000,
    idleTimeoutMs: 180_000,
    repo: path.resolve(__dirname, '../..'),
    infra: {
      KAFKA_BROKERS: requireEnv('KAFKA_BROKERS'),
      SCHEMA_REGISTRY_URL: requireEnv('SCHEMA_REGISTRY_URL'),
      MONGODB_URI: requireEnv('MONGODB_URI'),
    },
    log: () => undefined,
  });
  process.stderr.write(`${formatSummary(r)}\n`);
  expect(r.verdict.findings).toEqual([]);
  expect(r.ops.applied.edit).toBeGreaterThan(0);
  expect(r.ops.applied.quote).toBeGreaterThan(0);
  expect(r.views.hash).not.toBeNull();
});
