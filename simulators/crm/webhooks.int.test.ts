import { startCrmSimulator, type CrmSimulator } from './server';
import { call, crmLogin, post } from '../testing/client';
import { startReceiver, type Receiver } from '../testing/receiver';

type Created = { crmId: string };

describe('CRM simulator: webhooks', () => {
  let sim: CrmSimulator;
  let rx: Receiver;
  let auth: Record<string, string>;
  const api = <T = unknown>(path: string, body: unknown) => post<T>(`${sim.url}/api/v2/${path}`, body, auth);

  beforeEach(async () => {
    rx = await startReceiver();
    sim = await startCrmSimulator({
      webhooks: { url: rx.url, retry: { baseDelayMs: 10, maxDelayMs: 50, maxAttempts: 4 } },
    });
    auth = await crmLogin(sim.url);
  });
  afterEach(async () => {
    await sim.close();
    await rx.close();
  });

  it('notifies every API change as a thin GET with event, id, type and a Persian subtype', async () => {
    const p = await api<Created>('crmobject/person/create', { nickName: 'مریم' });
    const o = await api<Created>('crmobject/organization/create', { nickName: 'شرکت کیان' });
    await api('crmobject/person/update', { id: p.body.crmId, email: 'm@x.ir' });
    const q = await api<Created>('crmobject/quote/sales/create', { identityId: o.body.crmId, details: [] });
    await api('crmobject/person/delete', { id: p.body.crmId });
    await sim.webhooks.drain();
    expect(rx.received.every((r) => r.method === 'GET')).toBe(true);
    // At least once, no order promised: compare as a set.
    expect(rx.received).toHaveLength(5);
    expect(rx.received.map((r) => r.query)).toEqual(
      expect.arrayContaining([
        { event: 'Insert', id: p.body.crmId, type: 'Identity', subtype: 'مخاطب حقیقی siagh' },
        { event: 'Insert', id: o.body.crmId, type: 'Identity', subtype: 'مخاطب حقوقی siagh' },
        { event: 'Update', id: p.body.crmId, type: 'Identity', subtype: 'مخاطب حقیقی siagh' },
        { event: 'Insert', id: q.body.crmId, type: 'Quote', subtype: 'پیش فاکتور رسمی' },
        { event: 'Delete', id: p.body.crmId, type: 'Identity', subtype: 'مخاطب حقیقی siagh' },
      ]),
    );
  });

  it('fires for edits made "in the UI" through the admin API, and not for seeding', async () => {
    const ui = await post<{ crmId: string }>(`${sim.url}/_sim/identities`, {
      identityType: 1,
      nickName: 'کاربر',
    });
    expect(ui.status).toBe(201);
    await call('PATCH', `${sim.url}/_sim/identities/${ui.body.crmId}`, { email: 'u@x.ir' });
    await post(`${sim.url}/_sim/seed`, { seed: 1, customers: 5 });
    await sim.webhooks.drain();
    expect(rx.received.map((r) => r.query.event).sort()).toEqual(['Insert', 'Update']);
  });

  it('duplicates and reorders when configured at run time', async () => {
    const cfg = await call('PATCH', `${sim.url}/_sim/webhooks`, {
      duplicateRate: 1,
      reorderWindowMs: 200,
      seed: 3,
    });
    expect(cfg.status).toBe(200);
    const ids: string[] = [];
    for (let i = 0; i < 15; i++)
      ids.push((await api<Created>('crmobject/person/create', { nickName: `p${i}` })).body.crmId);
    await sim.webhooks.drain();
    const got = rx.received.map((r) => r.query.id ?? '');
    expect(got).toHaveLength(30);
    for (const id of ids) expect(got.filter((g) => g === id)).toHaveLength(2);
    const firstSeen = [...new Set(got)];
    expect(firstSeen).not.toEqual(ids);
  });

  it('retries a failing receiver with backoff until it answers 2xx', async () => {
    rx.respond = (n) => (n <= 2 ? 500 : 204);
    await api('crmobject/person/create', { nickName: 'retry' });
    await sim.webhooks.drain();
    expect(rx.received).toHaveLength(3);
    const [d] = sim.webhooks.list();
    expect(d?.state).toBe('delivered');
    expect(d?.attempts.map((a) => a.status)).toEqual([500, 500, 204]);
  });

  it('gives up after maxAttempts when the receiver is gone (connection refused)', async () => {
    await rx.close();
    await api('crmobject/person/create', { nickName: 'nobody home' });
    await sim.webhooks.drain();
    const deliveries = await call<
      Array<{ state: string; attempts: Array<{ status: number; error?: string }> }>
    >('GET', `${sim.url}/_sim/webhooks/deliveries`);
    expect(deliveries.body).toHaveLength(1);
    expect(deliveries.body[0]?.state).toBe('failed');
    expect(deliveries.body[0]?.attempts).toHaveLength(4);
    expect(deliveries.body[0]?.attempts[0]?.status).toBe(0);
    expect(deliveries.body[0]?.attempts[0]?.error).toBeDefined();
  });
});
