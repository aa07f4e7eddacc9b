import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { clientEndpoints, loadStackConfig, REPO_ROOT } from '../../scripts/stack/config';
import { status, up } from '../../scripts/stack/lifecycle';
import { pruneRunTopics } from '../../scripts/stack/prune';

const PRUNE_AFTER_MS = 6 * 3600_000;
import { dockerEngineAvailable, startContainers } from './docker';
import { verifyInfra, type InfraEndpoints } from './infra';

// TEST_STACK: auto (default: Docker engine if one answers, else the local stack), local, docker,
// external (use KAFKA_BROKERS / SCHEMA_REGISTRY_URL / MONGODB_URI as given), none (HTTP-only suites
// while developing; any test that needs the infrastructure then fails, it is never skipped).

export default async function globalSetup(): Promise<void> {
  const mode = process.env.TEST_STACK ?? 'auto';
  if (mode === 'none') return;
  // The dashboard's browser test drives Debian's chromium (never a downloaded browser).
  if (!fs.existsSync('/usr/bin/chromium')) {
    execFileSync('sh', [path.join(REPO_ROOT, 'scripts/ensure-chromium.sh')], { stdio: 'inherit' });
  }
  let endpoints: InfraEndpoints;
  const g = globalThis as { __SIAGHSYNC_TEARDOWN__?: () => Promise<void> };

  if (mode === 'external') {
    const { KAFKA_BROKERS, SCHEMA_REGISTRY_URL, MONGODB_URI } = process.env;
    if (!KAFKA_BROKERS || !SCHEMA_REGISTRY_URL || !MONGODB_URI) {
      throw new Error('TEST_STACK=external needs KAFKA_BROKERS, SCHEMA_REGISTRY_URL and MONGODB_URI');
    }
    endpoints = { KAFKA_BROKERS, SCHEMA_REGISTRY_URL, MONGODB_URI };
  } else if (mode === 'docker' || (mode === 'auto' && (await dockerEngineAvailable()))) {
    const started = await startContainers();
    endpoints = started.endpoints;
    g.__SIAGHSYNC_TEARDOWN__ = async () => {
      await Promise.all(started.containers.map((c) => c.stop()));
    };
  } else if (mode === 'local' || mode === 'auto') {
    const cfg = loadStackConfig();
    const before = await status(cfg);
    await up(cfg);
    endpoints = clientEndpoints(cfg);
    // Earlier runs' topics slow the broker down (scripts/stack/prune.ts); a run of today keeps its own.
    const pruned = await pruneRunTopics(endpoints.KAFKA_BROKERS.split(','), PRUNE_AFTER_MS);
    if (pruned > 0) process.stdout.write(`[stack] deleted ${pruned} topics of test runs older than 6 h\n`);
    // Leave a stack the developer started; stop one we started, so a test run leaves nothing behind.
    if (!before.some((s) => s.running) && process.env.TEST_STACK_KEEP !== '1') {
      g.__SIAGHSYNC_TEARDOWN__ = async () => {
        const { down } = await import('../../scripts/stack/lifecycle');
        const res = await down(cfg);
        if (res.leftRunning.length)
          throw new Error(`stack processes left running: ${res.leftRunning.join(', ')}`);
      };
    }
  } else {
    throw new Error(`TEST_STACK=${mode} is not one of auto, local, docker, external, none`);
  }
  await verifyInfra(endpoints);
  Object.assign(process.env, endpoints);
}
