import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { createKafka, topicName } from '@siaghsync/shared/kafka/index';
import type { ConflictResolution, WorkEvent } from '@siaghsync/shared/events';
import { startService, type RunningService } from '../service';
import { conflict } from '../testing/fixtures';
import {
  eventually,
  getJson,
  OPERATOR_TOKEN,
  openWriter,
  quietLogger,
  READ_TOKEN,
  testConfig,
} from '../testing/harness';
import type { LogWriter } from '../testing/produce';
import { writeScenario } from '../testing/scenario';
import { QUOTE_CUSTOMER_CRM_ID, writePendingScenario } from '../testing/pendingScenario';
import { uniqueName } from '../../../../test/harness/names';
import type { SyncerReadyBody } from '@siaghsync/shared/syncerReady';

jest.setTimeout(180_000);

const ARTIFACTS = path.resolve(__dirname, '../../../../test-artifacts');

/**
 * The operator's path in a real browser (Debian's chromium, never a downloaded one): the page shows
 * the pipeline's data, a conflict is resolved with a click, and the page follows the log as the
 * resolution request and then the syncer's settlement come back.
 */
describe('operator dashboard in chromium', () => {
  const cfg = testConfig('dash');
  let svc: RunningService;
  let writer: LogWriter;
  let browser: BrowserContext;
  let page: Page;
  let stopSyncer: () => Promise<void>;
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'projector-chromium-'));

  let syncerReady: SyncerReadyBody['backlog'] = { liveSeconds: 0, bulkSeconds: 0, held: 0, stalled: [] };
  let syncerPaused: NonNullable<SyncerReadyBody['paused']> = [];
  let readyServer: http.Server;

  beforeAll(async () => {
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    writer = await openWriter(cfg);
    await writeScenario(writer);
    // Waiting work as the syncer leaves it in entity-state: a customer retrying, one waiting for its
    // counterpart, a quote waiting for its customer's link.
    await writePendingScenario(writer, Date.now());
    // The syncer's /ready, as the freshness headline reads it (typed by the shared contract the real
    // syncer answers with): the backlog each state of the headline needs, set by the test.
    readyServer = http.createServer((_req, res) => {
      const body: SyncerReadyBody = {
        ready: true,
        entities: 1,
        links: 1,
        backlog: syncerReady,
        paused: syncerPaused,
      };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
    await new Promise<void>((r) => readyServer.listen(0, '127.0.0.1', r));
    cfg.SYNCER_URLS = [`http://127.0.0.1:${(readyServer.address() as AddressInfo).port}`];
    svc = await startService(cfg, quietLogger());
    await eventually(
      () => getJson<{ conflicts: { open: number } }>(`${svc.url}/api/summary`),
      (r) => r.status === 200 && r.body.conflicts.open === 1,
    );
    // The conflicts and the outcomes are projected apart: the customer view needs the outcomes' records.
    await eventually(
      () => getJson<{ records?: { crm: unknown } }>(`${svc.url}/api/entities/customer%3A1231`),
      (r) => r.status === 200 && r.body.records?.crm != null,
    );
    stopSyncer = await fakeSyncer(writer);
    // A fresh profile per run (playwright passes it as --user-data-dir).
    browser = await chromium.launchPersistentContext(userDataDir, {
      executablePath: '/usr/bin/chromium',
      headless: true,
      viewport: { width: 1280, height: 1400 },
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    page = await browser.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await stopSyncer?.();
    await svc?.stop();
    await writer?.close();
    readyServer?.close();
    fs.rmSync(userDataDir, { recursive: true, force: true });
  });

  /** Stands in for the syncer: settles each resolution request it reads from `work`. */
  async function fakeSyncer(w: LogWriter): Promise<() => Promise<void>> {
    const kafka = createKafka({ brokers: cfg.KAFKA_BROKERS, clientId: 'fake-syncer', logger: quietLogger() });
    const consumer = kafka.consumer({ groupId: uniqueName('fake-syncer') });
    await consumer.connect();
    await consumer.subscribe({ topic: topicName('work', cfg.TOPIC_PREFIX), fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const work = await w.codec.decode<WorkEvent>(message.value!);
        if (work.kind !== 'resolution' || !work.resolution) return;
        const r = JSON.parse(work.resolution) as ConflictResolution;
        await new Promise((res) => setTimeout(res, 1500)); // long enough for the page to show "resolving"
        const c = conflict({
          conflictId: r.conflictId,
          canonicalKey: r.canonicalKey,
          field: r.field,
          crmValue: 'شرکت آلفا',
          siaghValue: 'شرکت آلفا تهران',
          detectedAt: 0,
        });
        await w.conflicts([
          {
            ...c,
            detectedAt: c.detectedAt,
            status: 'resolved',
            winner: r.choice === 'value' ? null : r.choice,
            resolvedValue: r.value,
            resolvedBy: r.resolvedBy,
            resolvedAt: r.resolvedAt,
          },
        ]);
      },
    });
    return () => consumer.disconnect();
  }

  it('asks to sign in without the session cookie; the printed link signs in and leaves the address bar', async () => {
    const blocked: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) blocked.push(m.text());
    });
    await page.goto(svc.url);
    await page.waitForSelector('#sign-in:not([hidden])');
    expect(await page.textContent('#message')).toContain('not signed in');
    await page.goto(`${svc.url}/?token=${READ_TOKEN}`);
    expect(page.url()).toBe(`${svc.url}/`);
    await page.waitForSelector('body[data-loaded="true"]');
    expect(await page.isHidden('#sign-in')).toBe(true);
    const [cookie] = await browser.cookies(svc.url);
    expect(cookie).toMatchObject({ name: 'siaghsync_session', httpOnly: true, sameSite: 'Strict' });
    expect(cookie!.value).not.toContain(READ_TOKEN);
    // The page runs under the policy: nothing of its own was refused.
    expect(blocked).toEqual([]);
  });

  it('loads with data, resolves a conflict by a click, and follows it to resolved', async () => {
    await page.goto(svc.url);
    await page.waitForSelector('body[data-loaded="true"]');
    await page.waitForSelector('#conflicts tr[data-conflict-id="c1"]');
    expect(await page.textContent('#cards')).toContain('Outcomes');
    expect(await page.locator('#chart-throughput rect').count()).toBeGreaterThan(0);
    const crmCell = page.locator('#conflicts tr[data-conflict-id="c1"] td[dir="auto"]').first();
    expect(await crmCell.textContent()).toBe('شرکت آلفا');
    expect(await page.textContent('#dead-letters')).toContain('شماره تلفن نمی تواند تکراری باشد.');
    await page.screenshot({ path: path.join(ARTIFACTS, 'dashboard-loaded.png'), fullPage: true });

    await page.fill('#token', OPERATOR_TOKEN);
    await page.dispatchEvent('#token', 'change');
    await page.click('button[data-testid="resolve-siagh-c1"]');
    // The page follows the log: "resolving" once the request is projected, gone once the syncer settles
    // it. Under load both can land between two refreshes, so the intermediate state is not required.
    // Polled from here, not by a string evaluated in the page: the page's policy forbids eval.
    const row = page.locator('#conflicts tr[data-conflict-id="c1"]');
    await eventually(
      async () => (await row.count()) === 0 || (await row.locator('td.state-resolving').count()) > 0,
      (done) => done,
      20_000,
    );
    await page.screenshot({ path: path.join(ARTIFACTS, 'dashboard-resolving.png'), fullPage: true });
    await page.waitForSelector('#conflicts tr[data-conflict-id="c1"]', {
      state: 'detached',
      timeout: 30_000,
    });
    const resolved = await getJson<{ items: { conflictId: string; conflict: { resolvedBy: string } }[] }>(
      `${svc.url}/api/conflicts?state=resolved`,
    );
    expect(resolved.body.items.map((c) => c.conflictId)).toEqual(['c1']);
    await page.screenshot({ path: path.join(ARTIFACTS, 'dashboard-resolved.png'), fullPage: true });
  });

  it('headline says how far behind the sync is: in sync, 37 s behind, stalled since (red), and that writes are paused', async () => {
    await page.goto(svc.url);
    const state = (s: string) =>
      page.waitForSelector(`#freshness[data-state="${s}"]`, { timeout: 20_000 }).then(() => undefined);
    const headline = () => page.textContent('#freshness-headline');
    const red = async () =>
      ((await page.getAttribute('#freshness', 'class')) ?? '').split(' ').includes('alert');

    await state('in-sync');
    await eventually(headline, (h) => h === 'in sync', 20_000);
    expect(await red()).toBe(false);
    await page.screenshot({ path: path.join(ARTIFACTS, 'dashboard-in-sync.png') });

    syncerReady = { liveSeconds: 37, bulkSeconds: 600, held: 120, stalled: [] };
    await state('behind');
    expect(await headline()).toBe('37 s behind');
    expect(await red()).toBe(false);
    expect(await page.textContent('#freshness-detail')).toContain('import: oldest queued change 10 min old');

    syncerReady = { liveSeconds: 95, bulkSeconds: 0, held: 40, stalled: [] };
    await eventually(headline, (h) => h === '2 min behind');
    expect(await red()).toBe(true);

    const since = Date.now() - 4 * 60_000;
    syncerReady = {
      liveSeconds: 240,
      bulkSeconds: 0,
      held: 40,
      stalled: [{ lane: 'work:3', held: 40, since }],
    };
    await state('stalled');
    const clock = await page.evaluate((ms) => new Date(ms).toTimeString().slice(0, 5), since);
    expect(await headline()).toBe(`stalled since ${clock}`);
    expect(await red()).toBe(true);
    await page.screenshot({ path: path.join(ARTIFACTS, 'dashboard-stalled.png') });
    syncerReady = { liveSeconds: 0, bulkSeconds: 0, held: 0, stalled: [] };

    // An operator's pause (syncctl pause) is said first, amber, not red: writes wait on purpose.
    syncerPaused = [
      { scope: 'siagh', paused: true, reason: 'fiscal-year close', by: 'مریم', at: Date.now() },
    ];
    await page.waitForSelector('#freshness[data-paused="true"]', { timeout: 20_000 });
    expect(await headline()).toBe('in sync · PAUSED: writes to siagh');
    expect(await red()).toBe(false);
    expect(((await page.getAttribute('#freshness', 'class')) ?? '').split(' ')).toContain('behind');
    await page.screenshot({ path: path.join(ARTIFACTS, 'dashboard-paused.png') });
    syncerPaused = [];
    await page.waitForSelector('#freshness[data-paused="false"]', { timeout: 20_000 });
  });

  it('waiting work: parked and retrying customers and quotes waiting for a link, with counts per state', async () => {
    await page.goto(svc.url);
    await page.waitForSelector('#pending-list tr[data-key="customer:1240"]');
    const chip = (s: string) => page.textContent(`#pending-counts .chip[data-state="${s}"]`);
    expect(await chip('total')).toBe('3 waiting');
    expect(await chip('retrying')).toBe('retrying: 1');
    expect(await chip('waiting-for-link')).toBe('waiting-for-link: 1');
    expect(await chip('waiting-for-counterpart')).toBe('waiting-for-counterpart: 1');
    expect(await chip('parked')).toBe('parked: 0');
    const rows = page.locator('#pending-list tbody tr');
    // Oldest wait first; customer:1242 waited and recovered, so it is not listed.
    expect(await Promise.all((await rows.all()).map((r) => r.getAttribute('data-key')))).toEqual([
      'preinvoice:crm:q-77',
      'customer:1240',
      'customer:1241',
    ]);
    const cells = (key: string) => page.locator(`#pending-list tr[data-key="${key}"] td`).allTextContents();
    const retrying = await cells('customer:1240');
    expect(retrying.slice(0, 4)).toEqual(['customer:1240', 'customer', '100-1240', 'retrying']);
    // UTC, then the Jalali date (Tehran's) small after it.
    expect(retrying[4]).toMatch(/^2\d min · \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC · 14\d\d\/\d\d\/\d\d$/);
    expect(retrying[5]).toBe('SIAGH_SERVER_ERROR: سرویس در دسترس نیست');
    expect(retrying[6]).toMatch(/^due \(/);
    expect(retrying[7]).toBe('10');
    expect(await page.getAttribute('#pending-list tr[data-key="customer:1240"] td:nth-child(6)', 'dir')).toBe(
      'auto',
    );
    const quote = await cells('preinvoice:crm:q-77');
    expect(quote.slice(0, 4)).toEqual(['preinvoice:crm:q-77', 'quote', '100-1299', 'waiting-for-link']);
    expect(quote[6]).toBe(`when crm:${QUOTE_CUSTOMER_CRM_ID} is linked`);
    const counterpart = await cells('customer:1241');
    expect(counterpart[3]).toBe('waiting-for-counterpart');
    expect(counterpart[6]).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC · 14\d\d\/\d\d\/\d\d$/);
    await page.locator('#pending').screenshot({ path: path.join(ARTIFACTS, 'dashboard-pending.png') });
  });

  it('customer search shows both systems side by side with history, Persian right-to-left', async () => {
    await page.fill('#q', '100-1231');
    await page.click('#search button');
    // An earlier test may have left another customer's page in #customer: wait for this one's.
    await page.locator('#customer p', { hasText: 'customer:1231' }).waitFor();
    await page.waitForSelector('#customer .side-by-side');
    const pres = page.locator('#customer .side-by-side pre');
    expect(await pres.count()).toBe(2);
    expect(await pres.first().getAttribute('dir')).toBe('auto');
    expect(await pres.first().textContent()).toContain('علی رضایی');
    expect(await page.locator('#customer table:not(.lineage) tbody tr').count()).toBe(3);
    // Why each value: the phone was edited in Siagh and written to the CRM by the syncer.
    const phone = page.locator('#customer table.lineage tr[data-field="phone"] td');
    expect(await phone.nth(1).textContent()).toBe(
      '09129999999 · written by the syncer · changed-on-siagh · 2025-11-20 08:01:30 UTC · 1404/08/29',
    );
    expect(await phone.nth(2).textContent()).toContain('09129999999 · edited here · changed-on-siagh');
    expect(await phone.nth(3).textContent()).toContain('09121234567');
    await page.screenshot({ path: path.join(ARTIFACTS, 'dashboard-customer.png'), fullPage: true });
  });

  // Last: it leaves the page in English again, but the tests above need not depend on that.
  it('switches to Persian, right to left, with Jalali dates in Tehran time beside UTC, and back', async () => {
    const root = async () => ({
      lang: await page.getAttribute('html', 'lang'),
      dir: await page.getAttribute('html', 'dir'),
    });
    const headline = () => page.textContent('#freshness-headline');
    // A customer on show is drawn again in the new language.
    await page.fill('#q', '100-1231');
    await page.click('#search button');
    await page.locator('#customer table.lineage tr[data-field="phone"]').waitFor();
    expect(await page.textContent('#lang-switch')).toBe('فارسی');
    await page.click('#lang-switch');
    expect(await root()).toEqual({ lang: 'fa', dir: 'rtl' });
    expect(await page.textContent('#lang-switch')).toBe('English');
    expect(await page.textContent('h2[data-i18n="openConflicts"]')).toBe('تعارض‌های باز');
    expect(await page.textContent('#dead-letters th[data-i18n="col.failed"]')).toBe('زمان خطا');
    expect(await page.getAttribute('#q', 'placeholder')).toBe('100-1231، شناسهٔ CRM، کد سیاق');
    // The switch redraws the panels, then the customer: once the customer is Persian, all of it is.
    const phone = page.locator('#customer table.lineage tr[data-field="phone"] td');
    await eventually(
      () => phone.nth(1).textContent(),
      (text) => text?.includes('تهران') ?? false,
      20_000,
    );
    // A time: the Jalali date and time in Tehran in Persian digits, then the UTC one.
    expect(await phone.nth(1).textContent()).toBe(
      '09129999999 · نوشتهٔ همگام‌ساز · changed-on-siagh · ۱۴۰۴/۰۸/۲۹ ۱۱:۳۱:۳۰ تهران · 2025-11-20 08:01:30 UTC',
    );
    const failed = page.locator('#dead-letters tbody tr', { hasText: 'customer:1232' }).locator('td').nth(3);
    expect(await failed.textContent()).toBe('۱۴۰۴/۰۸/۲۹ ۱۱:۳۲:۰۰ تهران · 2025-11-20 08:02:00 UTC');
    expect(await failed.locator('time').getAttribute('datetime')).toBe('2025-11-20T08:02:00.000Z');
    expect(await headline()).toBe('در همگامی');
    expect(await page.textContent('#cards')).toContain('رویدادهای ناموفق');
    expect(await page.textContent('#cards')).not.toContain('Outcomes');
    // States are words, counts Persian digits; the rows' data attributes and the codes stay as they are.
    const chip = (s: string) => page.textContent(`#pending-counts .chip[data-state="${s}"]`);
    expect(await chip('total')).toBe('۳ در انتظار');
    expect(await chip('retrying')).toBe('در حال تلاش دوباره: ۱');
    const retrying = await page.locator('#pending-list tr[data-key="customer:1240"] td').allTextContents();
    expect(retrying.slice(0, 4)).toEqual(['customer:1240', 'مشتری', '100-1240', 'در حال تلاش دوباره']);
    expect(await page.getAttribute('#pending-list tr[data-key="customer:1240"]', 'data-state')).toBe(
      'retrying',
    );

    // The browser's own calendar, on either side of Nowruz 1404 (2025-03-21 00:00 in Tehran).
    const jalali = (iso: string, digits: string) =>
      page.evaluate(`import('/i18n.js').then((m) => m.jalali(Date.parse('${iso}'), '${digits}'))`);
    expect(await jalali('2025-03-20T20:29:59Z', 'latn')).toBe('1403/12/30 23:59:59');
    expect(await jalali('2025-03-20T20:30:00Z', 'latn')).toBe('1404/01/01 00:00:00');
    expect(await jalali('2025-11-20T08:00:00Z', 'fa')).toBe('۱۴۰۴/۰۸/۲۹ ۱۱:۳۰:۰۰');

    syncerReady = { liveSeconds: 37, bulkSeconds: 0, held: 10, stalled: [] };
    await page.waitForSelector('#freshness[data-state="behind"]', { timeout: 20_000 });
    expect(await headline()).toBe('۳۷ ثانیه عقب‌تر');
    syncerReady = { liveSeconds: 0, bulkSeconds: 0, held: 0, stalled: [] };
    syncerPaused = [{ scope: 'siagh', paused: true, reason: 'بستن سال مالی', by: 'مریم', at: Date.now() }];
    await eventually(headline, (h) => h === 'در همگامی · مکث شده: نوشتن در siagh', 20_000);
    await page.screenshot({ path: path.join(ARTIFACTS, 'dashboard-fa.png'), fullPage: true });
    syncerPaused = [];

    // Remembered by the browser.
    await page.reload();
    await page.waitForSelector('body[data-loaded="true"]');
    expect(await root()).toEqual({ lang: 'fa', dir: 'rtl' });
    expect(await page.textContent('h2[data-i18n="deadLetters"]')).toBe('رویدادهای ناموفق');

    await page.click('#lang-switch');
    expect(await root()).toEqual({ lang: 'en', dir: 'ltr' });
    expect(await page.textContent('h2[data-i18n="openConflicts"]')).toBe('Open conflicts');
    await eventually(
      () => failed.textContent(),
      (text) => text === '2025-11-20 08:02:00 UTC · 1404/08/29',
      20_000,
    );
    await eventually(headline, (h) => h === 'in sync', 20_000);
    expect(await page.evaluate("localStorage.getItem('dashboardLang')")).toBe('en');
  });
});
