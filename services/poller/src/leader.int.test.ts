import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { startSiaghSimulator, type SiaghSimulator } from '../../../simulators/siagh/server';
import { call } from '../../../simulators/testing/client';
import { SiaghClient } from '@siaghsync/shared/siagh/client';
import { requireEnv } from '../../../test/harness/names';
import type { Poller } from './poller';
import {
  eventually,
  makePoller,
  settle,
  setupEnv,
  sweep,
  testSettings,
  whenActive,
  type Env,
} from './testkit';

jest.setTimeout(180_000);

const ROOT = path.resolve(__dirname, '../../..');

describe('one active poller per source (real broker)', () => {
  let sim: SiaghSimulator;
  let env: Env;
  const clients: SiaghClient[] = [];
  const pollers: Poller[] = [];
  let child: ChildProcess | undefined;
  const client = () => {
    const c = new SiaghClient({
      baseUrl: sim.url,
      username: 'admin',
      password: 'admin',
      rateLimitPerSecond: 100,
      timeoutMs: 5000,
    });
    clients.push(c);
    return c;
  };
  const patch = (code: number, body: Record<string, unknown>) =>
    call('PATCH', `${sim.url}/_sim/contacts/${code}`, body);

  beforeAll(async () => {
    sim = await startSiaghSimulator({ dataset: { customers: 10, seed: 9 } });
    env = await setupEnv('leader');
  });

  afterAll(async () => {
    child?.kill('SIGKILL');
    await Promise.all(pollers.map((p) => p.stop()));
    await env.close();
    await Promise.all(clients.map((c) => c.close()));
    await sim.close();
  });

  it('two in-process instances: only one emits; stop it and the other takes over without replaying', async () => {
    const a = makePoller(env, testSettings(['siagh']), { siagh: client() });
    pollers.push(a);
    await a.start();
    await whenActive(a, 'siagh');
    const b = makePoller(env, testSettings(['siagh']), { siagh: client() });
    pollers.push(b);
    await b.start();
    await eventually(() => env.events.length >= sim.store.contacts.size);
    await settle(env, 3000); // b has joined the group by now (the sticky assigner keeps a active)
    expect(a.handle('siagh')!.election.isLeader).toBe(true);
    expect(b.handle('siagh')!.election.isLeader).toBe(false);
    expect(env.events).toHaveLength(sim.store.contacts.size);

    const code = [...sim.store.contacts.keys()][0] as number;
    await patch(code, { Description: 'seen by the active one only' });
    b.handle('siagh')!.runner.poke(); // not active: nothing runs
    await sweep(a, 'siagh');
    const n = (await settle(env)).length;
    expect(
      env.events.filter((e) => e.snapshot?.includes('seen by the active one only') === true),
    ).toHaveLength(1);

    await patch(code, { Description: 'after the handover' });
    const t0 = Date.now();
    await a.stop();
    await whenActive(b, 'siagh');
    const takeoverMs = Date.now() - t0;
    process.stdout.write(`graceful takeover (leave group, restore, first sweep): ${takeoverMs} ms\n`);
    await eventually(() => env.events.length > n);
    const evs = (await settle(env)).slice(n);
    expect(evs).toHaveLength(1);
    expect(evs[0]?.snapshot).toContain('after the handover');
  });

  it('kill -9 of the active process: the survivor takes over within the session timeout and misses nothing', async () => {
    await Promise.all(pollers.map((p) => p.stop()));
    // The real service as a child process becomes the active one (sweeping every second).
    // `node --import tsx` (not the tsx CLI, which forks a grandchild that SIGKILL would not reach).
    child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'services/poller/src/main.ts')], {
      cwd: ROOT,
      env: {
        ...process.env,
        KAFKA_BROKERS: requireEnv('KAFKA_BROKERS'),
        SCHEMA_REGISTRY_URL: requireEnv('SCHEMA_REGISTRY_URL'),
        TOPIC_PREFIX: env.prefix,
        POLLER_SOURCES: 'siagh',
        POLLER_PORT: String(20000 + Math.floor(Math.random() * 20000)),
        POLLER_SIAGH_INTERVAL_MS: '1000',
        POLLER_JITTER: '0',
        POLLER_LEADER_SESSION_MS: '6000',
        SIAGH_BASE_URL: sim.url,
        SIAGH_USERNAME: 'admin',
        SIAGH_PASSWORD: 'admin',
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const codes = [...sim.store.contacts.keys()];
    const n0 = env.events.length;
    await patch(codes[1] as number, { Description: 'child saw this' });
    await eventually(() => env.events.length > n0, 60_000, 'child process emits');
    const c = makePoller(env, testSettings(['siagh'], { leaderSessionMs: 6000 }), { siagh: client() });
    pollers.push(c);
    await c.start();
    await settle(env, 2000);
    expect(c.handle('siagh')!.election.isLeader).toBe(false);

    const n = env.events.length;
    child.kill('SIGKILL');
    const t0 = Date.now();
    await patch(codes[2] as number, { Description: 'while nobody leads' });
    await whenActive(c, 'siagh', 60_000);
    const takeoverMs = Date.now() - t0;
    process.stdout.write(`takeover after kill -9: ${takeoverMs} ms (session timeout 6000 ms)\n`);
    expect(takeoverMs).toBeLessThan(30_000); // a generous bound, not a timing assertion
    await eventually(() => env.events.length > n);
    const evs = (await settle(env, 2000)).slice(n);
    expect(evs.map((e) => e.sourceId)).toEqual([String(codes[2])]);
  });
});
