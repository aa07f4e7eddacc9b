import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { Kafka } from '@siaghsync/shared/kafka/client';
import { groupLag, syncerLag } from '../../../test/harness/lag';

export { groupLag };
import { topicName } from '@siaghsync/shared/kafka/topics';
import { requireEnv } from '../../../test/harness/names';
import { simulatorEnv } from '../../../test/harness/systems';
import { TEST_OPERATOR_EVENT_KEY, type World } from './harness';

const REPO = path.resolve(__dirname, '../../..');

/** The syncer as a real process (so kill -9 is a real crash), logging to the test's stderr on error. */
export function spawnSyncer(env: Record<string, string>): ChildProcess & { logs: string[] } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'services/syncer/src/main.ts'], {
    cwd: REPO,
    env: { ...process.env, ...env, LOG_LEVEL: env.LOG_LEVEL ?? process.env.TEST_CHILD_LOG_LEVEL ?? 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  }) as ChildProcess & { logs: string[] };
  child.logs = [];
  const keep = (b: Buffer) => {
    child.logs.push(b.toString());
    if (child.logs.length > 200) child.logs.shift();
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return child;
}

/**
 * Runs a test body; when it fails, the last lines each child logged go to the test's stderr, since a
 * failure under CI load is otherwise unexplained (children log at warn unless LOG_LEVEL says more).
 */
export async function explainFailure<T>(
  children: (ChildProcess & { logs: string[] })[],
  body: () => Promise<T>,
): Promise<T> {
  try {
    return await body();
  } catch (err) {
    for (const [i, c] of children.entries())
      process.stderr.write(`--- child ${i} (pid ${c.pid}) last log lines ---\n${c.logs.join('')}\n`);
    throw err;
  }
}

export function kill9(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

/** Waits until both the router and the processor have committed everything (within `slack` markers). */
export async function waitIdle(kafka: Kafka, prefix: string, timeoutMs: number, slack = 2): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let stableSince = 0;
  for (;;) {
    const router = await groupLag(kafka, `${prefix}siaghsync-router`, topicName('changes', prefix));
    const lag = await syncerLag(kafka, prefix);
    const work = lag.live + lag.bulk;
    const partitions = 6 * lag.topics;
    if (router <= slack * partitions && work <= slack * partitions) {
      if (stableSince === 0) stableSince = Date.now();
      if (Date.now() - stableSince > 3000) return;
    } else stableSince = 0;
    if (Date.now() > deadline)
      throw new Error(`not idle after ${timeoutMs} ms: router lag ${router}, work lag ${work}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** The variables of a syncer process on a world's topics and simulators (spawnSyncer). */
export function syncerProcessEnv(world: World, extra: Record<string, string> = {}): Record<string, string> {
  return {
    KAFKA_BROKERS: requireEnv('KAFKA_BROKERS'),
    SCHEMA_REGISTRY_URL: requireEnv('SCHEMA_REGISTRY_URL'),
    TOPIC_PREFIX: world.prefix,
    ...simulatorEnv(world.crmSim, world.siaghSim),
    OPERATOR_EVENT_KEY: TEST_OPERATOR_EVENT_KEY,
    SYNCER_PORT: '0',
    ...extra,
  };
}
