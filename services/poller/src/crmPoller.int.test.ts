import { startCrmSimulator, type CrmSimulator } from '../../../simulators/crm/server';
import { call } from '../../../simulators/testing/client';
import { CrmClient } from '@siaghsync/shared/crm/client';
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

jest.setTimeout(120_000);

describe('CRM poller (real broker, registry, simulator)', () => {
  let sim: CrmSimulator;
  let env: Env;
  let client: CrmClient;
  let poller: Poller;
  const patch = (id: string, body: Record<string, unknown>) =>
    call('PATCH', `${sim.url}/_sim/identities/${id}`, body);
  const ids = () => [...sim.store.identities.keys()];

  beforeAll(async () => {
    sim = await startCrmSimulator({ dataset: { customers: 15, seed: 3 } });
    env = await setupEnv('crm');
    client = new CrmClient(
      { baseUrl: sim.url, username: 'admin', password: 'admin', rateLimitPerSecond: 200, timeoutMs: 5000 },
      { http: { retry: { maxAttempts: 2, initialDelayMs: 10, maxDelayMs: 20 } } },
    );
    poller = makePoller(env, testSettings(['crm']), { crm: client });
    await poller.start();
    await whenActive(poller, 'crm');
  });

  afterAll(async () => {
    await poller.stop();
    await env.close();
    await client.close();
    await sim.close();
  });

  it('first sweep emits every identity with its kind, natural key and CRM modifyDate as source time', async () => {
    await eventually(() => env.events.length >= sim.store.identities.size);
    const evs = await settle(env);
    expect(evs).toHaveLength(sim.store.identities.size);
    for (const e of evs) {
      const rec = sim.store.identities.get(e.sourceId);
      expect(e).toMatchObject({ source: 'crm', operation: 'upsert', trigger: 'poll' });
      expect(e.attributes.kind).toBe(rec?.identityType === 2 ? 'organization' : 'person');
      expect(typeof e.sourceTime).toBe('number');
      expect(e.naturalKey).toBe(rec?.customerNumber ? rec.customerNumber.replace('100-', '') : null);
    }
  });

  it('a change in the same second as the last sweep is not missed; two edits give one event, latest state', async () => {
    const id = ids()[0] as string;
    const n = env.events.length;
    await patch(id, { description: 'one' });
    await patch(id, { description: 'two' });
    await sweep(poller, 'crm');
    await eventually(() => env.events.length > n);
    const evs = (await settle(env)).slice(n);
    expect(evs).toHaveLength(1);
    expect((JSON.parse(evs[0]?.snapshot ?? '{}') as { description: string }).description).toBe('two');
  });

  it('ي→ی and Arabic→Persian digits alone emit nothing', async () => {
    const id = ids()[1] as string;
    await patch(id, { description: 'پلاک ۱۲ کوی یاس' });
    await sweep(poller, 'crm');
    await eventually(() => env.events.some((e) => e.sourceId === id && e.snapshot?.includes('یاس') === true));
    const n = (await settle(env)).length;
    await patch(id, { description: 'پلاك ١٢ كوي ياس' });
    await sweep(poller, 'crm');
    expect((await settle(env)).length).toBe(n);
  });

  it('5xx or 429 mid-sweep deletes nothing; the delete comes after two complete sweeps', async () => {
    const victim = ids()[2] as string;
    await call('DELETE', `${sim.url}/_sim/identities/${victim}`);
    const n = env.events.length;
    await call('PUT', `${sim.url}/_sim/faults`, {
      errorRate: 1,
      errorStatuses: [503],
      paths: ['/api/v2/crmobject/person/get'],
    });
    await sweep(poller, 'crm');
    await call('PUT', `${sim.url}/_sim/faults`, {
      rateLimitRate: 1,
      retryAfterSeconds: 0,
      paths: ['/api/v2/crmobject/identity/getIdentitiesSimple'],
    });
    await sweep(poller, 'crm');
    await call('DELETE', `${sim.url}/_sim/faults`);
    expect((await settle(env)).slice(n)).toHaveLength(0);
    await sweep(poller, 'crm'); // complete: marks the victim missing once
    expect((await settle(env)).slice(n)).toHaveLength(0);
    await sweep(poller, 'crm'); // complete again: delete
    await eventually(() => env.events.length > n);
    const evs = (await settle(env)).slice(n);
    expect(evs).toHaveLength(1);
    expect(evs[0]).toMatchObject({ sourceId: victim, operation: 'delete', source: 'crm' });
  });

  it('a new identity is found on the next sweep', async () => {
    const res = await call<{ crmId: string }>('POST', `${sim.url}/_sim/identities`, {
      identityType: 2,
      nickName: 'شرکت تازه',
      customerNumber: '100-9901',
    });
    const n = env.events.length;
    await sweep(poller, 'crm');
    await eventually(() => env.events.length > n);
    const evs = (await settle(env)).slice(n);
    expect(evs).toHaveLength(1);
    expect(evs[0]).toMatchObject({
      sourceId: res.body.crmId,
      naturalKey: '9901',
      attributes: { kind: 'organization' },
    });
  });

  it('a graceful stop does not wait for every detail of a sweep under way (the rest is looked at next sweep)', async () => {
    // reconcileSweeps 1: every sweep re-reads every identity; 300 ms each, 4 at a time.
    await call('PUT', `${sim.url}/_sim/faults`, {
      paths: ['/api/v2/crmobject/person/get', '/api/v2/crmobject/organization/get'],
      latency: { kind: 'fixed', ms: 300 },
    });
    const gets = () => sim.recorder.list().filter((c) => /\/(person|organization)\/get$/.test(c.path)).length;
    const before = gets();
    poller.handle('crm')!.runner.poke();
    await eventually(() => gets() > before, 10_000, 'the sweep to start fetching details');
    await poller.stop();
    await call('DELETE', `${sim.url}/_sim/faults`);
    const fetched = gets() - before;
    expect(fetched).toBeGreaterThan(0);
    expect(fetched).toBeLessThan(sim.store.identities.size);
  });
});
