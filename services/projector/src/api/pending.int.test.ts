import { startService, type RunningService } from '../service';
import { buildId, collectionName, metaCollection, readAlias, readBuild } from '../store/collections';
import { entityState, outcome } from '../testing/fixtures';
import { eventually, getJson, openDb, openWriter, quietLogger, testConfig } from '../testing/harness';
import { QUOTE_CUSTOMER_CRM_ID, writePendingScenario } from '../testing/pendingScenario';
import type { LogWriter } from '../testing/produce';
import type { PendingPage } from '../views/pending/queries';

jest.setTimeout(180_000);

const MIN = 60_000;

// GET /api/pending over states and outcomes produced as the syncer commits them (real Kafka, registry,
// FerretDB): a customer retrying, one waiting for its counterpart, a quote waiting for its customer's
// link, and one that waited and recovered.
describe('waiting work: GET /api/pending', () => {
  const cfg = testConfig('pending', { SYNCER_PARK_RETRY_MS: '120000' });
  const now = Date.now();
  let svc: RunningService;
  let writer: LogWriter;
  const list = (q = '') => getJson<PendingPage>(`${svc.url}/api/pending${q}`);

  beforeAll(async () => {
    writer = await openWriter(cfg);
    await writePendingScenario(writer, now);
    svc = await startService(cfg, quietLogger());
    await eventually(
      () => list(),
      (r) => r.status === 200 && r.body.counts.total === 3 && r.body.items.length === 3,
    );
  });
  afterAll(async () => {
    await svc?.stop();
    await writer?.close();
  });

  it('lists what waits, oldest first: since when, why, next attempt, from the entity state', async () => {
    const { body } = await list();
    expect(body.counts).toEqual({
      total: 3,
      retrying: 1,
      paused: 0,
      parked: 0,
      'waiting-for-link': 1,
      'waiting-for-counterpart': 1,
    });
    expect(body.parkRetryMs).toBe(120_000);
    expect(body.items.map((i) => i.canonicalKey)).toEqual([
      'preinvoice:crm:q-77',
      'customer:1240',
      'customer:1241',
    ]);
    const [quote, retrying, counterpart] = body.items;
    expect(quote).toMatchObject({
      kind: 'quote',
      state: 'waiting-for-link',
      // The quote's customer number is its customer's, known in the CRM though not yet in Siagh.
      customerNumber: '100-1299',
      waitingFor: `crm:${QUOTE_CUSTOMER_CRM_ID}`,
      reasonCode: 'waiting-for-customer-link',
      since: now - 40 * MIN,
      nextAttemptAt: null,
    });
    expect(retrying).toMatchObject({
      kind: 'customer',
      state: 'retrying',
      customerNumber: '100-1240',
      reasonCode: 'SIAGH_SERVER_ERROR',
      message: 'Siagh answered HTTP 503',
      sourceMessage: 'سرویس در دسترس نیست',
      since: now - 25 * MIN,
      lastAttemptAt: now - 5 * MIN,
      // The syncer retries SYNCER_PARK_RETRY_MS after the last run.
      nextAttemptAt: now - 5 * MIN + 120_000,
      attempts: 10,
      queued: 1,
    });
    expect(counterpart).toMatchObject({
      state: 'waiting-for-counterpart',
      since: now - 2 * MIN,
      nextAttemptAt: now + 8 * MIN,
    });
    // Internals of the fold are not part of the answer.
    expect(Object.keys(retrying!)).not.toEqual(expect.arrayContaining(['st']));
    expect(retrying).not.toHaveProperty('episodes');
  });

  it('filters by state (waiting = both kinds of wait) and kind, and pages with a cursor', async () => {
    const keys = async (q: string) => (await list(q)).body.items.map((i) => i.canonicalKey);
    expect(await keys('?state=retrying')).toEqual(['customer:1240']);
    expect(await keys('?state=waiting')).toEqual(['preinvoice:crm:q-77', 'customer:1241']);
    expect(await keys('?state=parked')).toEqual([]);
    expect(await keys('?kind=quote')).toEqual(['preinvoice:crm:q-77']);
    expect((await list('?kind=customer')).body.counts.total).toBe(2);
    const seen: string[] = [];
    let cursor: string | null = '';
    while (cursor !== null) {
      const r: { body: PendingPage } = await list(`?limit=1${cursor ? `&cursor=${cursor}` : ''}`);
      expect(r.body.items).toHaveLength(1);
      seen.push(r.body.items[0]!.canonicalKey);
      cursor = r.body.nextCursor;
    }
    expect(seen).toEqual(['preinvoice:crm:q-77', 'customer:1240', 'customer:1241']);
  });

  it('answers 400 naming each bad field, 401 without a token, and is in the OpenAPI document', async () => {
    const bad = await getJson<{ issues: { path: string }[] }>(
      `${svc.url}/api/pending?state=stuck&kind=invoice&limit=501&extra=1`,
    );
    expect(bad.status).toBe(400);
    expect(bad.body.issues.map((i) => i.path).sort()).toEqual(['', 'kind', 'limit', 'state']);
    expect((await getJson(`${svc.url}/api/pending`, {})).status).toBe(401);
    const { body } = await getJson<{ paths: Record<string, { get: { parameters: unknown[] } }> }>(
      `${svc.url}/openapi.json`,
      {},
    );
    expect(body.paths['/api/pending']!.get.parameters).toEqual([
      expect.objectContaining({
        name: 'state',
        schema: expect.objectContaining({
          enum: ['paused', 'parked', 'retrying', 'waiting', 'waiting-for-link', 'waiting-for-counterpart'],
        }) as unknown,
      }),
      expect.objectContaining({ name: 'kind' }),
      expect.objectContaining({ name: 'limit' }),
      expect.objectContaining({ name: 'cursor' }),
    ]);
  });

  it('drops an entity from the list once its state has nothing parked', async () => {
    await writer.states([
      entityState({
        canonicalKey: 'customer:1240',
        crmId: 'c0ffee00-0000-4000-8000-000000001240',
        siaghId: '5040',
        naturalKey: '1240',
        version: 9,
        updatedAt: Date.now(),
      }),
    ]);
    await writer.outcomes([
      outcome({
        outcomeId: 'w9',
        canonicalKey: 'customer:1240',
        correlationId: 'corr-p1',
        status: 'synced',
        occurredAt: Date.now(),
      }),
    ]);
    // The list and its counts are two reads: the view's write may land between them.
    const r = await eventually(
      () => list(),
      (x) => x.body.counts.total === 2 && x.body.items.length === 2,
    );
    expect(r.body.items.map((i) => i.canonicalKey)).toEqual(['preinvoice:crm:q-77', 'customer:1241']);
    expect(r.body.counts.retrying).toBe(0);
  });

  it('a view added since the live version was built is rebuilt from the log at start-up', async () => {
    // As a deployment built before this view existed: its live version has no `pending` collection.
    await svc.stop();
    const { db, close } = await openDb(cfg);
    try {
      const before = (await readAlias(db))!.version;
      await db.dropCollection(collectionName('pending', before));
      svc = await startService(cfg, quietLogger());
      await eventually(
        () => readAlias(db),
        (a) => a !== null && a.version === before + 1,
        60_000,
      );
      const r = await eventually(
        () => list(),
        (x) => x.body.counts.total === 2 && x.body.items.length === 2,
      );
      expect(r.body.items.map((i) => i.canonicalKey)).toEqual(['preinvoice:crm:q-77', 'customer:1241']);
    } finally {
      await close();
    }
  });

  it('views folded by an older revision of their fold (a build without revisions) are rebuilt at start-up', async () => {
    // As a deployment upgraded from a release whose audit documents had no linkDiffering.
    await svc.stop();
    const { db, close } = await openDb(cfg);
    try {
      const before = (await readAlias(db))!.version;
      await metaCollection(db).updateOne({ _id: buildId(before) as never }, { $unset: { revisions: '' } });
      svc = await startService(cfg, quietLogger());
      await eventually(
        () => readAlias(db),
        (a) => a !== null && a.version === before + 1,
        60_000,
      );
      expect((await readBuild(db, before + 1))?.revisions?.sync_audit).toBe(2);
      const audit = await db
        .collection(collectionName('sync_audit', before + 1))
        .find({})
        .toArray();
      expect(audit.length).toBeGreaterThan(0);
      expect(audit.every((d) => 'linkDiffering' in d)).toBe(true);
    } finally {
      await close();
    }
  });

  it('a rebuild begun by an older fold (its build has no revisions) is dropped and built anew, not resumed', async () => {
    await svc.stop();
    const { db, close } = await openDb(cfg);
    try {
      const live = (await readAlias(db))!.version;
      // As an upgrade would find it: the live version and a build under way, both by the older release.
      await metaCollection(db).updateOne({ _id: buildId(live) as never }, { $unset: { revisions: '' } });
      await metaCollection(db).insertOne({
        _id: buildId(live + 1),
        version: live + 1,
        status: 'building',
        startedAt: Date.now(),
        finishedAt: null,
        targets: {},
        progress: {},
      } as never);
      svc = await startService(cfg, quietLogger());
      await eventually(
        () => readAlias(db),
        (a) => a !== null && a.version === live + 2,
        60_000,
      );
      expect((await readBuild(db, live + 1))?.status).toBe('dropped');
      expect((await readBuild(db, live + 2))?.revisions?.sync_audit).toBe(2);
    } finally {
      await close();
    }
  });
});
