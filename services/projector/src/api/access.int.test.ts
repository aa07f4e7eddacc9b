import { startService, type RunningService } from '../service';
import {
  eventually,
  getJson,
  OPERATOR_TOKEN,
  openWriter,
  quietLogger,
  READ_TOKEN,
  readAuth,
  testConfig,
} from '../testing/harness';
import { rawGet } from '../testing/rawHttp';
import type { LogWriter } from '../testing/produce';
import { writeScenario } from '../testing/scenario';

jest.setTimeout(120_000);

describe("the read API's access rules, headers and static files over a known history (real Kafka, registry, FerretDB)", () => {
  const cfg = testConfig('apisec');
  let svc: RunningService;
  let writer: LogWriter;

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

  it('serves an OpenAPI document listing every route, without a token (the shape is public)', async () => {
    const { body } = await getJson<{ paths: Record<string, unknown> }>(`${svc.url}/openapi.json`, {});
    expect(Object.keys(body.paths)).toEqual(
      expect.arrayContaining([
        '/api/audit',
        '/api/conflicts/{conflictId}/resolve',
        '/api/entities/{canonicalKey}/lineage',
      ]),
    );
    const counters = (body.paths['/api/counters'] as { get: { parameters: { name: string }[] } }).get;
    expect(counters.parameters.map((p) => p.name)).toEqual(['granularity', 'from', 'to', 'direction']);
  });

  it('reads need the read or operator token; probes and the OpenAPI document do not', async () => {
    const none = await getJson<{ error: string }>(`${svc.url}/api/summary`, {});
    expect(none.status).toBe(401);
    expect(none.body.error).toBe('unauthorized');
    for (const path of ['/api/audit/o1', '/api/audit/export', '/api/entities/customer:1231', '/api/nope']) {
      expect((await getJson(`${svc.url}${path}`, {})).status).toBe(401);
    }
    const wrong = await getJson(`${svc.url}/api/summary`, { headers: { Authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(401);
    expect((await getJson(`${svc.url}/api/audit/o1`, { headers: readAuth })).status).toBe(200);
    const asOperator = { headers: { Authorization: `Bearer ${OPERATOR_TOKEN}` } };
    expect((await getJson(`${svc.url}/api/audit/o1`, asOperator)).status).toBe(200);
    for (const path of ['/health', '/ready', '/metrics', '/openapi.json'])
      expect((await fetch(`${svc.url}${path}`)).status).toBe(200);
  });

  it('the read token cannot act (403), and nothing is sent to the syncer', async () => {
    const r = await getJson<{ error: string }>(`${svc.url}/api/dead-letters/d1/redrive`, {
      method: 'POST',
      headers: readAuth,
    });
    expect(r.status).toBe(403);
    expect(r.body.error).toBe('forbidden');
    const pending = await getJson<{ items: unknown[] }>(`${svc.url}/api/dead-letters?redriveState=pending`);
    expect(pending.body.items).toHaveLength(1);
  });

  it('the dashboard signs in through /?token=: an HttpOnly SameSite=Strict cookie that reads but never acts', async () => {
    const bad = await rawGet(`${svc.url}/?token=not-the-token`, {});
    expect(bad.status).toBe(401);
    expect(bad.headers['set-cookie']).toBeUndefined();
    const signIn = await rawGet(`${svc.url}/?token=${READ_TOKEN}`, {});
    expect(signIn.status).toBe(303);
    expect(signIn.headers.location).toBe('/');
    const setCookie = signIn.headers['set-cookie']?.[0] ?? '';
    expect(setCookie).toMatch(/^siaghsync_session=[\w-]{43};/);
    expect(setCookie).toMatch(/; HttpOnly/);
    expect(setCookie).toMatch(/; SameSite=Strict/);
    expect(setCookie).not.toContain(READ_TOKEN);
    const cookie = setCookie.split(';')[0]!;
    expect((await getJson(`${svc.url}/api/summary`, { headers: { Cookie: cookie } })).status).toBe(200);
    const act = await getJson(`${svc.url}/api/views/rebuild`, {
      method: 'POST',
      headers: { Cookie: cookie },
    });
    expect(act.status).toBe(401);
    const page = await rawGet(`${svc.url}/`, { Cookie: cookie });
    expect(page.status).toBe(200);
    expect(page.body).toContain('<script type="module" src="app.js"></script>');
  });

  it('refuses a Host header it does not answer to (DNS rebinding) without echoing it; probes answer any', async () => {
    const port = new URL(svc.url).port;
    const evil = await rawGet(`${svc.url}/api/summary`, { ...readAuth, Host: `rebind.example:${port}` });
    expect(evil.status).toBe(421);
    expect(JSON.parse(evil.body)).toMatchObject({ error: 'host-not-allowed' });
    expect(evil.body).not.toContain('rebind');
    expect((await rawGet(`${svc.url}/`, { Host: 'rebind.example' })).status).toBe(421);
    expect((await rawGet(`${svc.url}/api/summary`, { ...readAuth, Host: `localhost:${port}` })).status).toBe(
      200,
    );
    expect((await rawGet(`${svc.url}/api/summary`, { ...readAuth, Host: `[::1]:${port}` })).status).toBe(200);
    expect((await rawGet(`${svc.url}/health`, { Host: 'projector:7204' })).status).toBe(200);
  });

  it('sends the security headers on every response, no-store on the API', async () => {
    for (const [path, init] of [
      ['/', {}],
      ['/api/summary', { headers: readAuth }],
      ['/api/summary', {}],
      ['/nope', {}],
    ] as const) {
      const res = await fetch(`${svc.url}${path}`, init);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain('unsafe-inline');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      if (path.startsWith('/api')) expect(res.headers.get('cache-control')).toBe('no-store');
    }
  });

  it("serves the dashboard's own files and nothing else of its folder", async () => {
    for (const [path, type] of [
      ['/', 'text/html'],
      ['/index.html', 'text/html'],
      ['/app.js', 'javascript'],
      ['/chart.js', 'javascript'],
      ['/customer.js', 'javascript'],
      ['/dom.js', 'javascript'],
      ['/i18n.js', 'javascript'],
      ['/style.css', 'text/css'],
    ] as const) {
      const res = await fetch(`${svc.url}${path}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain(type);
    }
    for (const path of ['/dashboard.e2e.test.ts', '/dashboard/app.js', '/%2e%2e/config.ts', '/README.md'])
      expect((await fetch(`${svc.url}${path}`)).status).toBe(404);
  });
});
