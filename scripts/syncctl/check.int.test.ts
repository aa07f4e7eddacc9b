import { startCrmSimulator, type CrmSimulator } from '../../simulators/crm/server';
import { startSiaghSimulator, type SiaghSimulator } from '../../simulators/siagh/server';
import { requireEnv } from '../../test/harness/names';
import { simulatorEnv } from '../../test/harness/systems';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { closedPort, syncctl } from './cli.testkit';

jest.setTimeout(120_000);

const NAMES = [
  'crm login',
  'crm identities',
  'crm person',
  'crm organization',
  'siagh login',
  'siagh fiscal year',
  'siagh getall',
  'kafka',
  'kafka replication',
  'registry',
  'database',
  'crm webhooks',
];

// `syncctl check` as an operator runs it: the real launcher against both simulators, the local
// stack's Kafka, registry and database.
describe('syncctl check', () => {
  let crm: CrmSimulator;
  let siagh: SiaghSimulator;
  let env: Record<string, string>;
  const secret = 'Very-Secret-Password-42';

  beforeAll(async () => {
    // Both sides hold the same customers (overlap 1): the Siagh filter on the CRM person's number finds it.
    const dataset = { customers: 10, seed: 7, overlap: 1, organizationRate: 0.5 };
    crm = await startCrmSimulator({ dataset, webhooks: { enabled: false }, password: secret });
    siagh = await startSiaghSimulator({ dataset, password: secret });
    const nothing = String(await closedPort());
    env = {
      KAFKA_BROKERS: requireEnv('KAFKA_BROKERS'),
      SCHEMA_REGISTRY_URL: requireEnv('SCHEMA_REGISTRY_URL'),
      MONGODB_URI: requireEnv('MONGODB_URI'),
      ...simulatorEnv(crm, siagh),
      CRM_PASSWORD: secret,
      SIAGH_PASSWORD: secret,
      // No ingest or poller in this test: the webhook line says it cannot tell.
      INGEST_PORT: nothing,
      POLLER_PORT: nothing,
      SYNCCTL_TIMEOUT_MS: '4000',
    };
  });
  afterAll(async () => {
    await crm?.close();
    await siagh?.close();
  });

  it('all systems there: one ok line per check, exit 0, and no password on screen', async () => {
    crm.recorder.reset();
    siagh.recorder.reset();
    const r = await syncctl(['check'], env);
    expect(r.stderr).toBe('');
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines.slice(0, NAMES.length).map((l) => l.slice(5).split(/\s{2,}/)[0])).toEqual(NAMES);
    for (const name of NAMES.slice(0, -1))
      expect(r.stdout).toMatch(new RegExp(`^ok   ${name} +\\d+ ms`, 'm'));
    expect(r.stdout).toMatch(
      /^ok {3}siagh fiscal year +\d+ ms {2}\d{4} \(from the session; system date \d{4}\/\d{2}\/\d{2}\)$/m,
    );
    const person = [...crm.store.identities.values()].find((i) => i.identityType === 1);
    const n = person!.customerNumber!.replace('100-', '');
    expect(r.stdout).toMatch(new RegExp(`^ok   siagh getall +\\d+ ms  filter tmpid=${n}: 1 contact$`, 'm'));
    expect(r.stdout).toMatch(
      /^skip crm webhooks +the ingest does not answer at http:\/\/127\.0\.0\.1:\d+: cannot tell$/m,
    );
    expect(lines.at(-1)).toBe('all checks passed');
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain(secret);
    // One read of each kind, nothing written to either system.
    expect(crm.recorder.list().map((c) => c.path)).not.toContainEqual(
      expect.stringMatching(/create|update|delete/),
    );
    expect(siagh.recorder.list().map((c) => c.path)).not.toContain('/BpmsApi/SaveFormData');
  });

  it('a wrong Siagh password: exit 1, naming siagh login and the HTTP status; what needs the session is skipped', async () => {
    const wrong = 'Wrong-Password-99';
    const r = await syncctl(['check'], { ...env, SIAGH_PASSWORD: wrong });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^FAIL siagh login +HTTP 401: SIAGH refused the credentials/m);
    expect(r.stdout).toMatch(/^ +hint: check SIAGH_USERNAME and SIAGH_PASSWORD$/m);
    expect(r.stdout).toMatch(/^skip siagh fiscal year +needs siagh login$/m);
    expect(r.stdout).toMatch(/^skip siagh getall +needs siagh login$/m);
    expect(r.stdout).toMatch(/^ok {3}crm login /m);
    expect(r.stdout).toMatch(/^1 check failed \(exit 1\)$/m);
    expect(r.stdout).not.toContain(wrong);
  });

  it('the CRM unreachable (a closed port): exit 3, naming crm login', async () => {
    const r = await syncctl(['check'], { ...env, CRM_BASE_URL: `http://127.0.0.1:${await closedPort()}` });
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/^FAIL crm login +CRM unreachable on \/api\/v2\/auth\/login: .*ECONNREFUSED/m);
    expect(r.stdout).toMatch(/^ +hint: check CRM_BASE_URL \(http:\/\/127\.0\.0\.1:\d+\)$/m);
    expect(r.stdout).toMatch(/^skip crm identities +needs crm login$/m);
    // Siagh falls back to a filter that matches nobody and still answers.
    expect(r.stdout).toMatch(/^ok {3}siagh getall +\d+ ms {2}filter tmpid=0: 0 contacts$/m);
  });

  it('--json: one object with every check; no organization in the CRM is a skip, not a failure', async () => {
    const persons = await startCrmSimulator({
      dataset: { customers: 3, seed: 2, organizationRate: 0 },
      webhooks: { enabled: false },
      password: secret,
    });
    try {
      const r = await syncctl(['--json', 'check'], { ...env, CRM_BASE_URL: persons.url });
      expect(r.code).toBe(0);
      const report = r.json as { ok: boolean; exitCode: number; checks: Record<string, unknown>[] };
      expect(report).toMatchObject({ ok: true, exitCode: 0 });
      expect(report.checks.map((c) => c.name)).toEqual(NAMES);
      for (const c of report.checks) {
        expect(c).toEqual({
          name: expect.any(String) as string,
          status: expect.stringMatching(/^(ok|skip)$/) as string,
          ms: c.name === 'crm webhooks' ? null : (expect.any(Number) as number),
          detail: expect.any(String) as string,
        });
      }
      expect(report.checks.find((c) => c.name === 'crm organization')).toMatchObject({
        status: 'skip',
        detail: 'none exists: no organization to read',
      });
      expect(r.stdout).not.toContain(secret);
    } finally {
      await persons.close();
    }
  });

  describe('config check', () => {
    const file = path.join(os.tmpdir(), `sync-misspelt-${process.pid}.yaml`);
    afterAll(() => fs.rmSync(file, { force: true }));

    it('the default mapping: valid, and with --live every configured path is found in real records', async () => {
      const r = await syncctl(['--json', 'config', 'check', '--live', '--sample', '5'], env);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.json).toMatchObject({ valid: true, absent: [] });
      const sampled = (r.json as { sampled: { crmRecords: number; siaghContacts: number } }).sampled;
      expect(sampled.crmRecords).toBeGreaterThan(5);
      expect(sampled.siaghContacts).toBe(10);
    });

    it('a misspelt path is reported with its side (exit 1); an invalid file is exit 78 naming the key', async () => {
      const text = fs
        .readFileSync(path.join(__dirname, '..', '..', 'config', 'sync.default.yaml'), 'utf8')
        .replace('email: { crm: email, siagh: email }', 'email: { crm: emial, siagh: email }')
        .replace('siagh: mobileno', 'siagh: mobilno');
      fs.writeFileSync(file, text);
      const offline = await syncctl(['config', 'check', '--file', file], env);
      expect(offline.code).toBe(0);
      const live = await syncctl(['config', 'check', '--file', file, '--live'], env);
      expect(live.code).toBe(1);
      expect(live.stdout).toMatch(/2 configured paths are absent from every sampled record/);
      expect(live.stdout).toMatch(/mobile\s+siagh\s+mobilno/);
      expect(live.stdout).toMatch(/email\s+crm\s+emial/);

      fs.writeFileSync(file, text.replace('policy: siagh-wins', 'policy: siagh-always'));
      const invalid = await syncctl(['config', 'check', '--file', file], env);
      expect(invalid.code).toBe(78);
      expect(invalid.stderr).toMatch(/fields\.mobile\.policy/);
    });
  });
});
