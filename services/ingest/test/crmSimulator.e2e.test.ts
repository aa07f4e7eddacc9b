import { startCrmSimulator, type CrmSimulator } from '../../../simulators/crm/server';
import { call, crmLogin, post } from '../../../simulators/testing/client';
import { CRM_SECRET, readTopic, startIngest, type TestIngest } from './helpers';

// The CRM simulator's real webhook sender (thin GETs, at least once, duplicated) -> ingest -> the topic.

describe('CRM simulator webhooks -> ingest -> Kafka', () => {
  let ingest: TestIngest;
  let sim: CrmSimulator;
  beforeAll(async () => {
    ingest = await startIngest();
    sim = await startCrmSimulator({
      webhooks: {
        url: `${ingest.url}/webhooks/crm/${CRM_SECRET}`,
        duplicateRate: 0.5,
        retry: { baseDelayMs: 20, maxDelayMs: 200 },
      },
    });
  });
  afterAll(async () => {
    await sim.close();
    await ingest.close();
  });

  it('every change the CRM notifies arrives as a normalized event, duplicates only as copies of one notice', async () => {
    const auth = await crmLogin(sim.url);
    const api = <T = unknown>(path: string, body: unknown) =>
      post<T>(`${sim.url}/api/v2/${path}`, body, auth);
    const p = await api<{ crmId: string }>('crmobject/person/create', { nickName: 'مریم' });
    const o = await api<{ crmId: string }>('crmobject/organization/create', { nickName: 'شرکت کیان' });
    await api('crmobject/person/update', { id: p.body.crmId, email: 'm@x.ir' });
    const q = await api<{ crmId: string }>('crmobject/quote/sales/create', {
      identityId: o.body.crmId,
      details: [],
    });
    await call('DELETE', `${sim.url}/_sim/identities/${o.body.crmId}`);
    await sim.webhooks.drain();

    const deliveries = sim.webhooks.list();
    expect(deliveries.every((d) => d.state === 'delivered' && d.attempts.at(-1)!.status === 202)).toBe(true);
    const events = await readTopic(ingest.topic, ingest.codec);
    expect(events).toHaveLength(deliveries.length); // every 2xx is in the topic

    const seen = new Set(
      events.map(
        (e) =>
          `${e.key}|${e.event.entityType}|${e.event.operation}|${e.event.attributes.crmEvent}|${e.event.attributes.identityKind ?? '-'}`,
      ),
    );
    expect([...seen].sort()).toEqual(
      [
        `crm:${p.body.crmId}|customer|upsert|Insert|person`,
        `crm:${p.body.crmId}|customer|upsert|Update|person`,
        `crm:${o.body.crmId}|customer|upsert|Insert|organization`,
        `crm:${o.body.crmId}|customer|delete|Delete|organization`,
        `crm:${q.body.crmId}|preinvoice|upsert|Insert|-`,
      ].sort(),
    );
    for (const e of events)
      expect(e.event).toMatchObject({ source: 'crm', trigger: 'webhook', sourceTime: null });
    // Distinct notices never share an event id; copies of one notice may (same window).
    expect(new Set(events.map((e) => e.event.eventId)).size).toBeGreaterThanOrEqual(seen.size);
  });
});
