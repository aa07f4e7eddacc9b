import { startSiaghSimulator, type SiaghSimulator } from '../siagh/server';
import { call, post, siaghLogin } from '../testing/client';
import type { RecordedCall } from './recorder';

describe('fault injection and call recording (admin API)', () => {
  let sim: SiaghSimulator;
  let auth: Record<string, string>;
  const getAll = () => post(`${sim.url}/api/Sgh/GEN/Gn_Web_Users/GetAll`, {}, auth);

  beforeAll(async () => {
    sim = await startSiaghSimulator({ dataset: { seed: 1, customers: 3 } });
    auth = await siaghLogin(sim.url);
  });
  afterEach(() => call('DELETE', `${sim.url}/_sim/faults`));
  afterAll(() => sim.close());

  it('answers 429 with Retry-After in seconds or as an HTTP date', async () => {
    await call('PUT', `${sim.url}/_sim/faults`, {
      script: [
        { kind: 'rateLimit', retryAfterSeconds: 2 },
        { kind: 'rateLimit', retryAfterSeconds: 5, retryAfterFormat: 'http-date' },
      ],
    });
    const a = await getAll();
    expect(a.status).toBe(429);
    expect(a.headers['retry-after']).toBe('2');
    const b = await getAll();
    expect(b.status).toBe(429);
    expect(Date.parse(String(b.headers['retry-after']))).toBeGreaterThan(Date.now());
    expect((await getAll()).status).toBe(200);
  });

  it('fails with 5xx at the configured rate, replayably from the seed', async () => {
    const run = async () => {
      await call('PUT', `${sim.url}/_sim/faults`, { seed: 11, errorRate: 0.5 });
      const statuses: number[] = [];
      for (let i = 0; i < 20; i++) statuses.push((await getAll()).status);
      return statuses;
    };
    const first = await run();
    expect(first.some((s) => s >= 500)).toBe(true);
    expect(first.some((s) => s === 200)).toBe(true);
    expect(await run()).toEqual(first);
  });

  it('resets connections and adds latency, and records both', async () => {
    await call('DELETE', `${sim.url}/_sim/calls`);
    await call('PUT', `${sim.url}/_sim/faults`, { script: [{ kind: 'reset' }, { kind: 'delay', ms: 30 }] });
    await expect(getAll()).rejects.toThrow();
    expect((await getAll()).status).toBe(200);
    const calls = (await call<RecordedCall[]>('GET', `${sim.url}/_sim/calls?path=/api/Sgh`)).body;
    expect(calls.map((c) => [c.status, c.fault])).toEqual([
      [0, 'reset'],
      [200, 'latency'],
    ]);
  });

  it('records method, path, body and status of every call; reset empties it; dump returns all records', async () => {
    await call('DELETE', `${sim.url}/_sim/calls`);
    await post(
      `${sim.url}/BpmsApi/SaveFormData`,
      { formId: '2BFDA', ctrlValues: 'gn_web_users.fullname=ثبت شده', parameters: 'CodeMain=' },
      auth,
    );
    const calls = (await call<RecordedCall[]>('GET', `${sim.url}/_sim/calls`)).body;
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({
      method: 'POST',
      path: '/BpmsApi/SaveFormData',
      status: 200,
      body: { formId: '2BFDA' },
    });
    const dump = (await call<{ contacts: unknown[]; preInvoices: unknown[] }>('GET', `${sim.url}/_sim/dump`))
      .body;
    expect(dump.contacts).toHaveLength(4);
    expect(dump.preInvoices).toEqual([]);
    await call('DELETE', `${sim.url}/_sim/calls`);
    expect((await call<unknown[]>('GET', `${sim.url}/_sim/calls`)).body).toEqual([]);
  });

  it('validates fault configuration', async () => {
    const r = await call('PUT', `${sim.url}/_sim/faults`, { errorRate: 2 });
    expect(r.status).toBe(400);
  });

  it('holds an answer: the write is made at once, its answer comes later', async () => {
    await call('PUT', `${sim.url}/_sim/faults`, {
      paths: ['/BpmsApi/SaveFormData'],
      script: [{ kind: 'holdAnswer', ms: 1500 }],
    });
    const before = sim.store.contacts.size;
    const started = Date.now();
    const answer = post(
      `${sim.url}/BpmsApi/SaveFormData`,
      { formId: '2BFDA', ctrlValues: 'gn_web_users.fullname=پاسخ دیرهنگام', parameters: 'CodeMain=' },
      auth,
    );
    for (let i = 0; i < 100 && sim.store.contacts.size === before; i++)
      await new Promise((r) => setTimeout(r, 10));
    expect(sim.store.contacts.size).toBe(before + 1);
    expect(Date.now() - started).toBeLessThan(1000);
    const res = await answer;
    expect(res.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1400);
  });
});
