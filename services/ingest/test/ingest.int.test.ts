import { sign } from '../src/signed/standardWebhooks';
import {
  CRM_SECRET,
  CRM_SECRET_NEXT,
  GUIDS,
  SIGNING_KEY,
  SIGNING_KEY_OLD,
  crmUrl,
  readTopic,
  startIngest,
  topicEnd,
  type TestIngest,
} from './helpers';

// Every webhook answered 2xx is in the topic, exactly as normalized; the access logs never carry the secret.

let ingest: TestIngest;
beforeAll(async () => {
  ingest = await startIngest();
});
afterAll(async () => {
  await ingest.close();
});

function signed(body: object, id: string, key = SIGNING_KEY, ts = Math.floor(Date.now() / 1000)) {
  const raw = JSON.stringify(body);
  return {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'webhook-id': id,
      'webhook-timestamp': String(ts),
      'webhook-signature': `v1,${sign(key, id, ts, raw)}`,
    },
    body: raw,
  };
}

describe('ingest -> Kafka (real broker, real registry)', () => {
  it('every 2xx webhook is in the topic, decoded and equal to what was normalized', async () => {
    const accepted: { id: string; status: number; body: { eventId: string; correlationId: string } }[] = [];
    const send = async (url: string, init?: RequestInit) => {
      const res = await fetch(url, init);
      const body = (await res.json()) as { eventId: string; correlationId: string };
      expect(res.status).toBe(202);
      accepted.push({ id: url, status: res.status, body });
      return { res, body };
    };

    // GET with query parameters (the CRM's usual form), Arabic letter forms in the label, upper-case GUID
    const g = await send(
      crmUrl(ingest.url, {
        event: 'Update',
        id: GUIDS[0]!.toUpperCase(),
        type: 'Identity',
        subtype: 'مخاطب حقيقي siagh',
      }),
      { headers: { 'x-correlation-id': 'trace-from-test-0001' } },
    );
    expect(g.res.headers.get('x-correlation-id')).toBe('trace-from-test-0001');
    // POST JSON, the rotated (second) secret
    await send(`${ingest.url}/webhooks/crm/${CRM_SECRET_NEXT}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ event: 'Insert', id: GUIDS[1], type: 'Identity', subtype: 'مخاطب حقوقی siagh' }),
    });
    // POST form
    await send(`${ingest.url}/webhooks/crm/${CRM_SECRET}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        event: 'Delete',
        id: GUIDS[2]!,
        type: 'Quote',
        subtype: 'پیش فاکتور رسمی',
      }).toString(),
    });
    // POST with an empty body and the fields in the query
    await send(crmUrl(ingest.url, { event: 'Insert', id: GUIDS[3]!, type: 'Invoice', subtype: 'فاکتور' }), {
      method: 'POST',
    });
    // Signed, with the old key of a rotation
    const ts = new Date('2025-11-25T10:15:00Z');
    await send(
      `${ingest.url}/webhooks/signed/erp`,
      signed(
        {
          type: 'customer.upsert',
          timestamp: ts.toISOString(),
          data: { source: 'siagh', id: '1042', naturalKey: '1231', attributes: { form: '2BFDA' } },
        },
        'msg_int_1',
        SIGNING_KEY_OLD,
      ),
    );

    const events = await readTopic(ingest.topic, ingest.codec);
    expect(events).toHaveLength(accepted.length);
    const byId = new Map(events.map((e) => [e.event.eventId, e]));
    for (const a of accepted) expect(byId.get(a.body.eventId)).toBeDefined();

    const e0 = byId.get(g.body.eventId)!;
    expect(e0.key).toBe(`crm:${GUIDS[0]}`);
    expect(e0.headers).toEqual({ eventId: g.body.eventId, correlationId: 'trace-from-test-0001' });
    expect(e0.event).toMatchObject({
      source: 'crm',
      entityType: 'customer',
      sourceId: GUIDS[0],
      operation: 'upsert',
      sourceTime: null,
      trigger: 'webhook',
      correlationId: 'trace-from-test-0001',
      naturalKey: null,
      snapshot: null,
      attributes: {
        crmType: 'Identity',
        crmEvent: 'Update',
        identityKind: 'person',
        subtype: 'مخاطب حقیقی siagh',
        delivery: 'crm-thin',
      },
    });
    expect(Math.abs(e0.event.observedTime - Date.now())).toBeLessThan(60_000);

    const ops = events.map((e) => [
      e.key,
      e.event.entityType,
      e.event.operation,
      e.event.attributes.identityKind ?? null,
    ]);
    expect(ops).toEqual(
      expect.arrayContaining([
        [`crm:${GUIDS[1]}`, 'customer', 'upsert', 'organization'],
        [`crm:${GUIDS[2]}`, 'preinvoice', 'delete', null],
        [`crm:${GUIDS[3]}`, 'preinvoice', 'upsert', null],
        ['siagh:1042', 'customer', 'upsert', null],
      ]),
    );
    const s = events.find((e) => e.key === 'siagh:1042')!.event;
    expect(s).toMatchObject({ source: 'siagh', sourceTime: ts.getTime(), naturalKey: '1231' });
    expect(s.attributes).toEqual({
      form: '2BFDA',
      sender: 'erp',
      webhookId: 'msg_int_1',
      delivery: 'signed',
    });
  });

  it('a duplicated CRM notification keeps its event id; a replayed signed webhook is produced once', async () => {
    const before = await topicEnd(ingest.kafka, ingest.topic);
    const url = crmUrl(ingest.url, { event: 'Update', id: GUIDS[10]!, type: 'Identity', subtype: 'حقیقی' });
    // Two copies sent at once land in the same dedup window (1 s) unless they straddle its edge.
    while (Date.now() % 1000 > 700) await new Promise((r) => setTimeout(r, 50));
    const [a, b] = await Promise.all([fetch(url), fetch(url)]);
    const [ja, jb] = (await Promise.all([a.json(), b.json()])) as { eventId: string }[];
    expect([a.status, b.status]).toEqual([202, 202]);
    expect(ja!.eventId).toBe(jb!.eventId);

    const body = {
      type: 'customer.delete',
      timestamp: new Date().toISOString(),
      data: { source: 'crm', id: GUIDS[11] },
    };
    const first = await fetch(`${ingest.url}/webhooks/signed/erp`, signed(body, 'msg_replay_1'));
    expect(first.status).toBe(202);
    // A retry re-signed with a new timestamp (as senders do) and a verbatim replay: both acknowledged, neither produced.
    const retry = await fetch(
      `${ingest.url}/webhooks/signed/erp`,
      signed(body, 'msg_replay_1', SIGNING_KEY, Math.floor(Date.now() / 1000) + 1),
    );
    expect(retry.status).toBe(200);
    expect(((await retry.json()) as { status: string }).status).toBe('duplicate');
    expect(await topicEnd(ingest.kafka, ingest.topic)).toBe(before + 3);
  });

  it('health, readiness and metrics answer; unknown routes are JSON 404s', async () => {
    expect((await fetch(`${ingest.url}/health`)).status).toBe(200);
    const ready = await fetch(`${ingest.url}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({
      status: 'ready',
      checks: { kafka: 'ok', registry: 'ok', producer: 'ok', accepting: 'ok' },
    });
    const metrics = await (await fetch(`${ingest.url}/metrics`)).text();
    expect(metrics).toMatch(/siaghsync_ingest_requests_total\{route="crm",outcome="accepted"\} \d+/);
    expect(metrics).toMatch(/siaghsync_ingest_produce_duration_seconds_count\{result="ok"\} \d+/);
    expect(metrics).toMatch(/process_cpu_seconds_total/);
    // When the last accepted CRM notice arrived (syncctl check reads it): within this test run.
    const last =
      /siaghsync_ingest_last_webhook_timestamp_seconds\{source="crm",entity_type="customer"\} (\S+)/.exec(
        metrics,
      );
    expect(Number(last?.[1]) * 1000).toBeGreaterThan(Date.now() - 120_000);
    expect(Number(last?.[1]) * 1000).toBeLessThanOrEqual(Date.now());
    const nf = await fetch(`${ingest.url}/nope`);
    expect(nf.status).toBe(404);
    expect(nf.headers.get('content-type')).toMatch(/application\/json/);
    expect(await nf.json()).toEqual({ error: { code: 'NOT_FOUND', message: 'no such route' } });
  });

  it('never writes the URL secret to the logs', async () => {
    await fetch(crmUrl(ingest.url, { event: 'Update', id: GUIDS[12]!, type: 'Identity' }));
    await fetch(crmUrl(ingest.url, { event: 'Bogus', id: GUIDS[12]!, type: 'Identity' }, CRM_SECRET_NEXT));
    const all = ingest.logs.join('');
    expect(all).toContain('/webhooks/crm/[redacted]');
    expect(all).not.toContain(CRM_SECRET);
    expect(all).not.toContain(CRM_SECRET_NEXT);
    expect(all).toContain('"correlationId"');
  });
});
