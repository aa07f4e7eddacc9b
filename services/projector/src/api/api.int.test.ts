import { decodeRecord } from '../runner/decode';
import { startService, type RunningService } from '../service';
import { outcome, T0 } from '../testing/fixtures';
import {
  eventually,
  getJson,
  OPERATOR_TOKEN,
  openDb,
  openWriter,
  quietLogger,
  readAuth,
  testConfig,
} from '../testing/harness';
import { stalledGet } from '../testing/rawHttp';
import { collectionName, readAlias, readBuild } from '../store/collections';
import { snapshot } from '../store/reader';
import { totals } from '../views/counters/queries';
import { auditDoc, type AuditDoc } from '../views/sync_audit/evolve';
import type { LogWriter } from '../testing/produce';
import { writeScenario } from '../testing/scenario';
import { createKafka, topicName } from '@siaghsync/shared/kafka/index';
import type { WorkEvent } from '@siaghsync/shared/events';
import { uniqueName } from '../../../../test/harness/names';

jest.setTimeout(120_000);

describe('query API and operator actions over a known history (real Kafka, registry, FerretDB)', () => {
  // One export at a time, so one stalled client shows the cap.
  const cfg = testConfig('api', { PROJECTOR_MAX_EXPORTS: '1' });
  let svc: RunningService;
  let writer: LogWriter;
  const auth = { Authorization: `Bearer ${OPERATOR_TOKEN}`, 'Content-Type': 'application/json' };

  beforeAll(async () => {
    writer = await openWriter(cfg);
    await writeScenario(writer);
    svc = await startService(cfg, quietLogger());
    await eventually(
      () => getJson<{ outcomes: { total: number }; conflicts: { open: number } }>(`${svc.url}/api/summary`),
      (r) => r.status === 200 && r.body.outcomes.total === 5 && r.body.conflicts.open === 1,
    );
  });
  afterAll(async () => {
    await svc?.stop();
    await writer?.close();
  });

  it('says per view how many documents it wrote and how long the writes took', async () => {
    const text = await (await fetch(`${svc.url}/metrics`)).text();
    const value = (re: RegExp) => Number(re.exec(text)?.[1] ?? NaN);
    expect(
      value(/^siaghsync_projector_view_documents_total\{view="sync_audit",op="insert"\} (\S+)$/m),
    ).toBeGreaterThan(0);
    expect(
      value(/^siaghsync_projector_view_write_seconds_total\{view="sync_audit"\} (\S+)$/m),
    ).toBeGreaterThan(0);
    expect(
      value(/^siaghsync_projector_view_documents_total\{view="entity_mappings",op="insert"\} (\S+)$/m),
    ).toBeGreaterThan(0);
  });

  it('says how many conflicts wait for a person and how long the oldest has (the alert on a day reads it)', async () => {
    const text = await (await fetch(`${svc.url}/metrics`)).text();
    const value = (re: RegExp) => Number(re.exec(text)?.[1] ?? NaN);
    expect(value(/^siaghsync_projector_unsettled_conflicts (\S+)$/m)).toBe(1);
    const age = value(/^siaghsync_projector_oldest_unsettled_conflict_age_seconds (\S+)$/m);
    const expected = (Date.now() - (T0 + 130_000)) / 1000;
    expect(age).toBeGreaterThan(expected - 60);
    expect(age).toBeLessThanOrEqual(expected);
  });

  it('summary counts are exact', async () => {
    const { body } = await getJson<Record<string, unknown>>(`${svc.url}/api/summary`);
    expect(body).toMatchObject({
      outcomes: {
        total: 5,
        byStatus: { created: 1, synced: 1, 'skipped-echo': 1, 'dead-lettered': 1, conflict: 1 },
        byDirection: { 'crm-to-siagh': 2, 'siagh-to-crm': 1, none: 2 },
      },
      conflicts: { open: 1, resolving: 0 },
      deadLetters: { pending: 1, redriven: 0 },
      entities: { linked: 2 },
    });
  });

  it('takes the totals from counter_totals, and from the hour buckets for a version built before it, alike', async () => {
    const { db, close } = await openDb(cfg);
    try {
      const v = await snapshot(db);
      expect((await readBuild(db, v.version))?.views).toContain('counter_totals');
      const fromTotals = await totals(v, true);
      expect(fromTotals.total).toBe(5);
      expect(await totals(v, false)).toEqual(fromTotals);
      const hours = await v
        .view<{ direction: string; status: string }>('counters')
        .find({ granularity: 'hour' })
        .toArray();
      expect(await v.view('counter_totals').countDocuments({})).toBe(
        new Set(hours.map((d) => `${d.direction}|${d.status}`)).size,
      );
    } finally {
      await close();
    }
  });

  it('searches the audit by customer number (any form), Siagh code, status, time range and pages with a cursor', async () => {
    const byNumber = await getJson<{ items: { outcomeId: string }[] }>(
      `${svc.url}/api/audit?customerNumber=100-۱۲۳۱`,
    );
    expect(byNumber.body.items.map((i) => i.outcomeId)).toEqual(['o3', 'o2', 'o1']);
    const p1 = await getJson<{ items: { outcomeId: string }[]; nextCursor: string }>(
      `${svc.url}/api/audit?limit=2`,
    );
    expect(p1.body.items.map((i) => i.outcomeId)).toEqual(['o5', 'o4']);
    const p2 = await getJson<{ items: { outcomeId: string }[]; nextCursor: string | null }>(
      `${svc.url}/api/audit?limit=2&cursor=${p1.body.nextCursor}`,
    );
    expect(p2.body.items.map((i) => i.outcomeId)).toEqual(['o3', 'o2']);
    const range = await getJson<{ items: unknown[] }>(
      `${svc.url}/api/audit?from=${T0 + 1}&to=${new Date(T0 + 125_000).toISOString()}&siaghCode=5001`,
    );
    expect(range.body.items).toHaveLength(2);
    const bad = await getJson<{ issues: { path: string }[] }>(
      `${svc.url}/api/audit?status=nope&from=yesterday&extra=1`,
    );
    expect(bad.status).toBe(400);
    expect(bad.body.issues.map((i) => i.path).sort()).toEqual(['', 'from', 'status']);
  });

  it('answers "why is this value here?" per field and side', async () => {
    const { body } = await getJson<{
      fields: { field: string; crm: Record<string, unknown>; siagh: Record<string, unknown> }[];
    }>(`${svc.url}/api/entities/customer:1231/lineage?field=phone`);
    expect(body.fields).toHaveLength(1);
    expect(body.fields[0]!.crm).toMatchObject({
      value: '09129999999',
      origin: 'sync-write',
      outcomeId: 'o2',
      at: T0 + 90_000,
    });
    expect(body.fields[0]!.siagh).toMatchObject({
      value: '09129999999',
      origin: 'source-edit',
      outcomeId: 'o2',
      at: T0 + 80_000,
    });
  });

  it('shows both systems side by side with history, and exports CSV with Persian text', async () => {
    const found = await getJson<{ items: { canonicalKey: string }[] }>(`${svc.url}/api/entities?q=5001`);
    expect(found.body.items.map((i) => i.canonicalKey)).toEqual(['customer:1231']);
    const { body } = await getJson<{
      records: { crm: { record: unknown }; siagh: { record: unknown } };
      history: unknown[];
    }>(`${svc.url}/api/entities/customer:1231`);
    expect(body.records.crm.record).toEqual({ nickName: 'علی رضایی', phone: '09129999999' });
    expect(body.records.siagh.record).toEqual({ Name: 'علی رضایی', MobileNo: '09129999999' });
    expect(body.history).toHaveLength(3);
    const csv = await (
      await fetch(`${svc.url}/api/audit/export?format=csv&status=dead-lettered`, { headers: readAuth })
    ).text();
    const lines = csv.trim().split('\r\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe(
      'occurredAt,occurredAtJalali,outcomeId,correlationId,canonicalKey,customerNumber,crmId,siaghCode,' +
        'entityType,direction,status,trigger,changedFields,attempts,durationMs,errorCode,errorMessage,' +
        'sourceMessage,sourceEventId,note',
    );
    // Beside the UTC time, the same moment in Tehran on the Jalali calendar (T0 + 2 min).
    expect(lines[1]!.split(',').slice(0, 3)).toEqual([
      '2025-11-20T08:02:00.000Z',
      '1404/08/29 11:32:00 +03:30',
      'o4',
    ]);
    expect(lines[1]).toContain('شماره تلفن نمی تواند تکراری باشد.');
  });

  it('bounds every range: counters at most 1440 buckets, to not before from (400 naming the field)', async () => {
    const now = Date.now();
    const wide = await getJson<{ issues: { path: string; message: string }[] }>(
      `${svc.url}/api/counters?granularity=minute&from=${now - 2 * 86_400_000}&to=${now}`,
    );
    expect(wide.status).toBe(400);
    expect(wide.body.issues.map((i) => i.path)).toEqual(['from']);
    expect(wide.body.issues[0]!.message).toContain('at most 1440');
    const day = await getJson(
      `${svc.url}/api/counters?granularity=minute&from=${now - 86_400_000}&to=${now}`,
    );
    expect(day.status).toBe(200);
    for (const path of ['/api/counters', '/api/audit', '/api/audit/export']) {
      const backwards = await getJson<{ issues: { path: string }[] }>(
        `${svc.url}${path}?from=${now}&to=${now - 1}`,
      );
      expect(backwards.status).toBe(400);
      expect(backwards.body.issues.map((i) => i.path)).toEqual(['to']);
    }
  });

  it('streams an export only as fast as its client reads, at most PROJECTOR_MAX_EXPORTS at once (429), freed when the client hangs up', async () => {
    // 12 MB of audit entries: more than the socket buffers take, so the export waits for the client.
    const { db, close } = await openDb(cfg);
    const view = db.collection<AuditDoc>(collectionName('sync_audit', (await readAlias(db))!.version));
    const pad = 'x'.repeat(10_000);
    const docs = Array.from({ length: 1_200 }, (_, i) => ({
      ...auditDoc(outcome({ outcomeId: `bulk-${i}`, occurredAt: T0 - 86_400_000 - i })),
      naturalKey: '999999',
      sourceSnapshot: JSON.stringify({ pad }),
    }));
    try {
      for (let i = 0; i < docs.length; i += 500) await view.insertMany(docs.slice(i, i + 500));
      const inFlight = async () =>
        Number(
          /^siaghsync_projector_exports_in_flight (\d+)/m.exec(
            await (await fetch(`${svc.url}/metrics`)).text(),
          )?.[1],
        );
      const bulk = `${svc.url}/api/audit/export?format=json&customerNumber=999999`;
      // Read in full it takes `took`; a client that reads nothing holds it well past that.
      const started = Date.now();
      const full = (await (await fetch(bulk, { headers: readAuth })).json()) as unknown[];
      const took = Date.now() - started;
      expect(full).toHaveLength(docs.length);
      const held = await stalledGet(bulk, readAuth);
      try {
        expect(held.head).toBe('HTTP/1.1 200 OK');
        await new Promise((r) => setTimeout(r, 2 * took + 500));
        expect(await inFlight()).toBe(1);
        const refused = await fetch(`${svc.url}/api/audit/export?status=dead-lettered`, {
          headers: readAuth,
        });
        expect(refused.status).toBe(429);
        expect(refused.headers.get('retry-after')).toBe('10');
        expect(await refused.json()).toMatchObject({ error: 'too-many-exports' });
      } finally {
        held.socket.destroy();
      }
      await eventually(inFlight, (n) => n === 0, 10_000);
      const after = await fetch(`${svc.url}/api/audit/export?status=dead-lettered`, { headers: readAuth });
      expect(after.status).toBe(200);
      expect((await after.text()).trim().split('\r\n')).toHaveLength(2);
    } finally {
      await view.deleteMany({ naturalKey: '999999' });
      await close();
    }
  });

  it('operator actions need the token and produce the right work events', async () => {
    const noToken = await getJson(`${svc.url}/api/conflicts/c1/resolve`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{"choice":"crm"}',
    });
    expect(noToken.status).toBe(401);
    const wrong = await getJson(`${svc.url}/api/dead-letters/d1/redrive`, {
      method: 'POST',
      headers: { Authorization: 'Bearer wrong' },
    });
    expect(wrong.status).toBe(401);

    const resolved = await getJson<{ resolutionId: string; correlationId: string }>(
      `${svc.url}/api/conflicts/c1/resolve`,
      {
        method: 'POST',
        headers: auth,
        body: JSON.stringify({ choice: 'siagh', resolvedBy: 'مریم' }),
      },
    );
    expect(resolved.status).toBe(202);
    const redriven = await getJson<{ correlationId: string }>(`${svc.url}/api/dead-letters/d1/redrive`, {
      method: 'POST',
      headers: auth,
    });
    expect(redriven.status).toBe(202);

    const work = await readWork(cfg.KAFKA_BROKERS, cfg.TOPIC_PREFIX, 2);
    const resolution = work.find((w) => w.kind === 'resolution')!;
    expect(resolution).toMatchObject({
      canonicalKey: 'customer:1233',
      routeReason: 'direct',
      redriveOf: null,
      change: null,
    });
    expect(JSON.parse(resolution.resolution!)).toMatchObject({
      conflictId: 'c1',
      choice: 'siagh',
      value: 'شرکت آلفا تهران',
      field: 'nickName',
      resolvedBy: 'مریم',
    });
    const redrive = work.find((w) => w.kind === 'redrive')!;
    expect(redrive).toMatchObject({
      canonicalKey: 'customer:1232',
      redriveOf: 'd1',
      change: { eventId: 'ev-d1' },
    });

    // The requests are read back from the log into the views.
    await eventually(
      () => getJson<{ items: { state: string }[] }>(`${svc.url}/api/conflicts?state=resolving`),
      (r) => r.body.items.length === 1,
    );
    await eventually(
      () => getJson<{ items: unknown[] }>(`${svc.url}/api/dead-letters?redriveState=redriven`),
      (r) => r.body.items.length === 1,
    );
    const again = await getJson(`${svc.url}/api/conflicts/c1/resolve`, {
      method: 'POST',
      headers: auth,
      body: '{"choice":"crm"}',
    });
    expect(again.status).toBe(409);
  });
});

async function readWork(brokers: string[], prefix: string, n: number): Promise<WorkEvent[]> {
  const kafka = createKafka({ brokers, clientId: 'work-reader', logger: quietLogger() });
  const consumer = kafka.consumer({ groupId: uniqueName('work-reader') });
  const { EventCodec } = await import('@siaghsync/shared/registry');
  const codec = new EventCodec(process.env.SCHEMA_REGISTRY_URL!);
  const got: WorkEvent[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic: topicName('work', prefix), fromBeginning: true });
  await new Promise<void>((resolve) => {
    void consumer.run({
      eachMessage: async ({ message }) => {
        const e = await decodeRecord(codec, 'work', message);
        if (e) got.push(await codec.decode<WorkEvent>(message.value!));
        if (got.length >= n) resolve();
      },
    });
  });
  await consumer.disconnect();
  return got;
}
