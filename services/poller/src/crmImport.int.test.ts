import { startCrmSimulator, type CrmSimulator } from '../../../simulators/crm/server';
import { call } from '../../../simulators/testing/client';
import { CrmClient } from '@siaghsync/shared/crm/client';
import { STREAM_CHUNK } from './crmPoller';
import { eventually, makePoller, settle, setupEnv, testSettings, whenActive, type Env } from './testkit';

jest.setTimeout(180_000);

// The CRM poller's first sweep of an empty state is the import: its records must reach `changes` while
// the detail calls still run (not all at the end), each once, marked bulk, and a poller stopped half-way
// must leave the next one to emit exactly the rest.
describe('CRM import: the first sweep streams its records (real broker, registry, simulator)', () => {
  let sim: CrmSimulator;
  let env: Env;
  let client: CrmClient;

  beforeAll(async () => {
    sim = await startCrmSimulator({ dataset: { customers: 2_400, seed: 11 } });
    env = await setupEnv('crm-import');
    client = new CrmClient(
      { baseUrl: sim.url, username: 'admin', password: 'admin', rateLimitPerSecond: 10_000, timeoutMs: 5000 },
      { http: { retry: { maxAttempts: 2, initialDelayMs: 10, maxDelayMs: 20 } } },
    );
    // 20 ms a detail call, 8 at a time: about 6 s for the whole import, long enough to watch it stream.
    await call('PUT', `${sim.url}/_sim/faults`, {
      paths: ['/api/v2/crmobject/person/get', '/api/v2/crmobject/organization/get'],
      latency: { kind: 'fixed', ms: 20 },
    });
  });

  afterAll(async () => {
    await env.close();
    await client.close();
    await sim.close();
  });

  it('emits in chunks while fetching, each identity once, bulk; a restart emits only the rest', async () => {
    const total = sim.store.identities.size;
    expect(total).toBeGreaterThan(2 * STREAM_CHUNK);
    const settings = testSettings(['crm'], {
      chunkSize: 500,
      crm: {
        intervalMs: 3_600_000,
        reconcileSweeps: 1,
        reconcileMax: Infinity,
        concurrency: 8,
        pageSize: 500,
      },
    });
    const first = makePoller(env, settings, { crm: client });
    await first.start();
    const runner = first.handle('crm')!.runner;
    // Events visible while the sweep is still under way: the first chunk did not wait for the last call.
    let seenMidSweep = 0;
    await eventually(
      () => {
        const p = runner.progress;
        if (p && p.done < p.total && env.events.length > 0) seenMidSweep = env.events.length;
        return seenMidSweep > 0 || runner.sweeps > 0;
      },
      60_000,
      'events during the sweep',
    );
    expect(seenMidSweep).toBeGreaterThan(0);
    expect(runner.progress?.total).toBe(total);
    // Stop half-way: what was committed stays, the next poller emits the rest and nothing twice.
    await first.stop();
    const afterStop = (await settle(env)).length;
    expect(afterStop).toBeLessThan(total);
    expect(afterStop).toBeGreaterThan(0);

    const second = makePoller(env, settings, { crm: client });
    await second.start();
    await whenActive(second, 'crm', 60_000);
    await eventually(() => env.events.length >= total, 60_000, 'every identity emitted');
    const evs = await settle(env);
    await second.stop();

    const perId = new Map<string, number>();
    for (const e of evs) perId.set(e.sourceId, (perId.get(e.sourceId) ?? 0) + 1);
    expect(perId.size).toBe(total);
    expect([...perId.values()].filter((n) => n > 1)).toEqual([]);
    expect(evs.every((e) => e.attributes.bulk === 'sweep' && e.attributes.readStartedAt)).toBe(true);
  });
});
