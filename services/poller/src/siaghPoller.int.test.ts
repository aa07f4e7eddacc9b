import { startSiaghSimulator, type SiaghSimulator } from '../../../simulators/siagh/server';
import { call } from '../../../simulators/testing/client';
import { SiaghClient } from '@siaghsync/shared/siagh/client';
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

describe('Siagh poller (real broker, registry, simulator)', () => {
  let sim: SiaghSimulator;
  let env: Env;
  let client: SiaghClient;
  let poller: Poller | undefined;
  const patch = (code: number, body: Record<string, unknown>) =>
    call('PATCH', `${sim.url}/_sim/contacts/${code}`, body);
  const since = (n: number) => env.events.slice(n);

  beforeAll(async () => {
    sim = await startSiaghSimulator({ dataset: { customers: 12, seed: 5 } });
    env = await setupEnv('siagh');
    client = new SiaghClient(
      { baseUrl: sim.url, username: 'admin', password: 'admin', rateLimitPerSecond: 100, timeoutMs: 5000 },
      { http: { retry: { maxAttempts: 2, initialDelayMs: 10, maxDelayMs: 20 } } },
    );
    poller = makePoller(env, testSettings(['siagh']), { siagh: client });
    await poller.start();
    await whenActive(poller, 'siagh');
  });

  afterAll(async () => {
    await poller?.stop();
    await env.close();
    await client.close();
    await sim.close();
  });

  it('first sweep emits every contact once, with snapshot, natural key and side checksum', async () => {
    await eventually(() => env.events.length >= sim.store.contacts.size);
    const evs = await settle(env);
    expect(evs).toHaveLength(sim.store.contacts.size);
    for (const e of evs) {
      expect(e).toMatchObject({
        source: 'siagh',
        entityType: 'customer',
        operation: 'upsert',
        trigger: 'poll',
        sourceTime: null,
      });
      expect(e.checksum).toMatch(/^[0-9a-f]{64}$/);
      expect((JSON.parse(e.snapshot ?? '{}') as { Code: number }).Code).toBe(Number(e.sourceId));
    }
    expect(new Set(evs.map((e) => e.eventId)).size).toBe(evs.length);
  });

  it('a change made right after a sweep (same second) is found by the next; two edits give one event with the latest state', async () => {
    const n = env.events.length;
    const code = [...sim.store.contacts.keys()][0] as number;
    await patch(code, { Description: 'first edit' });
    await patch(code, { Description: 'second edit' });
    await sweep(poller!, 'siagh');
    await eventually(() => env.events.length > n);
    await settle(env);
    const evs = since(n);
    expect(evs).toHaveLength(1);
    expect((JSON.parse(evs[0]?.snapshot ?? '{}') as { Description: string }).Description).toBe('second edit');
  });

  it('ي→ی and Arabic→Persian digits alone emit nothing', async () => {
    const code = [...sim.store.contacts.keys()][1] as number;
    await patch(code, { Name: 'علی کریمی', Address: 'پلاک ۱۲' });
    await sweep(poller!, 'siagh');
    await eventually(() =>
      env.events.some((e) => e.sourceId === String(code) && e.snapshot?.includes('پلاک') === true),
    );
    const n = (await settle(env)).length;
    await patch(code, { Name: 'علي كريمي', Address: 'پلاك ١٢' });
    await sweep(poller!, 'siagh');
    expect((await settle(env)).length).toBe(n);
  });

  it('a delete is emitted only after two complete sweeps', async () => {
    const code = [...sim.store.contacts.keys()][2] as number;
    await call('DELETE', `${sim.url}/_sim/contacts/${code}`);
    const n = env.events.length;
    await sweep(poller!, 'siagh');
    expect((await settle(env)).slice(n)).toHaveLength(0);
    await sweep(poller!, 'siagh');
    await eventually(() => env.events.length > n);
    const evs = (await settle(env)).slice(n);
    expect(evs).toHaveLength(1);
    expect(evs[0]).toMatchObject({ sourceId: String(code), operation: 'delete' });
  });

  it('a failing GetAll (5xx, 429) or a truncated one deletes nothing', async () => {
    const codes = [...sim.store.contacts.keys()];
    const n = env.events.length;
    await call('PUT', `${sim.url}/_sim/faults`, { errorRate: 1, errorStatuses: [503], paths: ['/api/Sgh'] });
    await sweep(poller!, 'siagh');
    await call('PUT', `${sim.url}/_sim/faults`, {
      rateLimitRate: 1,
      retryAfterSeconds: 0,
      paths: ['/api/Sgh'],
    });
    await sweep(poller!, 'siagh');
    await call('DELETE', `${sim.url}/_sim/faults`);
    // Truncated answer: GetAll returns only a third of the contacts, twice in a row.
    const removed = codes
      .slice(0, Math.ceil((codes.length * 2) / 3))
      .map((c) => [c, sim.store.contacts.get(c)!] as const);
    for (const [c] of removed) sim.store.contacts.delete(c);
    await sweep(poller!, 'siagh');
    await sweep(poller!, 'siagh');
    expect((await settle(env)).slice(n)).toHaveLength(0);
    for (const [c, v] of removed) sim.store.contacts.set(c, v);
    await sweep(poller!, 'siagh');
    await sweep(poller!, 'siagh');
    expect((await settle(env)).slice(n)).toHaveLength(0);
    // The truncated sweeps were not taken as the new reference size.
    expect(poller!.handle('siagh')!.runner.tracker!.meta.lastCompleteCount).toBe(sim.store.contacts.size);
  });

  it("Siagh's clock a day ahead (R10): an edit is dated by the poller's clock, never by Siagh's", async () => {
    // Siagh keeps no modification time; what dates its edit for last-write-wins is when the poller's
    // complete sweeps began (changedAfter) and saw it (observedTime), both on this host's clock.
    await call('PUT', `${sim.url}/_sim/clock`, { offsetMs: 86_400_000 });
    try {
      const code = [...sim.store.contacts.keys()][5] as number;
      const sweptFrom = Date.now();
      await sweep(poller!, 'siagh');
      await settle(env, 300);
      const editedAt = Date.now();
      await patch(code, { Description: 'edited while Siagh says tomorrow' });
      const n = env.events.length;
      await sweep(poller!, 'siagh');
      await eventually(() => env.events.length > n);
      const ev = (await settle(env)).slice(n).find((e) => e.sourceId === String(code))!;
      expect(ev.sourceTime).toBeNull();
      const after = Number(ev.attributes.changedAfter);
      expect(after).toBeGreaterThanOrEqual(sweptFrom);
      expect(after).toBeLessThanOrEqual(editedAt);
      expect(ev.observedTime).toBeGreaterThanOrEqual(editedAt);
      expect(ev.observedTime).toBeLessThanOrEqual(Date.now());
    } finally {
      await call('PUT', `${sim.url}/_sim/clock`, { offsetMs: 0 });
    }
  });

  it('a new instance on the same state topic resumes: only the changes made in between, no duplicates', async () => {
    await poller!.stop();
    poller = undefined;
    const codes = [...sim.store.contacts.keys()];
    await patch(codes[3] as number, { Description: 'while down' });
    await patch(codes[4] as number, { Description: 'while down too' });
    const n = env.events.length;
    poller = makePoller(env, testSettings(['siagh']), { siagh: client });
    await poller.start();
    await whenActive(poller, 'siagh');
    await eventually(() => env.events.length >= n + 2);
    const evs = (await settle(env, 2000)).slice(n);
    expect(evs.map((e) => e.sourceId).sort()).toEqual([String(codes[3]), String(codes[4])].sort());
  });
});
