import { startService, type RunningService } from '../../services/projector/src/service';
import {
  eventually,
  getJson,
  OPERATOR_TOKEN,
  openWriter,
  quietLogger,
  READ_TOKEN,
  testConfig,
} from '../../services/projector/src/testing/harness';
import type { LogWriter } from '../../services/projector/src/testing/produce';
import { writeScenario } from '../../services/projector/src/testing/scenario';
import type { ProjectorConfig } from '../../services/projector/src/config';
import { closedPort, fakeService, syncctl } from './cli.testkit';

jest.setTimeout(180_000);

// syncctl against a real projector (real Kafka, registry, FerretDB) over a known history: one open
// conflict c1 on customer:1233, one pending dead letter d1, linked customer:1231.
describe('syncctl against a running projector', () => {
  let cfg: ProjectorConfig;
  let svc: RunningService;
  let writer: LogWriter;
  let env: Record<string, string>;

  beforeAll(async () => {
    cfg = testConfig('ctl');
    writer = await openWriter(cfg);
    await writeScenario(writer);
    svc = await startService({ ...cfg, PROJECTOR_LAG_GROUP_PREFIX: cfg.PROJECTOR_GROUP_ID }, quietLogger());
    await eventually(
      () => getJson<{ outcomes: { total: number } }>(`${svc.url}/api/summary`),
      (r) => r.status === 200 && r.body.outcomes.total === 5,
    );
    env = {
      PROJECTOR_URL: svc.url,
      PROJECTOR_READ_TOKEN: READ_TOKEN,
      KAFKA_BROKERS: cfg.KAFKA_BROKERS.join(','),
      TOPIC_PREFIX: cfg.TOPIC_PREFIX,
      SYNCCTL_GROUP_PREFIX: cfg.PROJECTOR_GROUP_ID,
    };
  });
  afterAll(async () => {
    await svc?.stop();
    await writer?.close();
  });

  it('status: 0 when every service is ready, lag per group from Kafka, counts from the projector', async () => {
    const fakes = await Promise.all([fakeService(true), fakeService(true), fakeService(true)]);
    try {
      const ports = {
        INGEST_PORT: String(fakes[0].port),
        SYNCER_PORT: String(fakes[1].port),
        POLLER_PORT: String(fakes[2].port),
      };
      const ok = await syncctl(['--json', 'status'], { ...env, ...ports });
      expect(ok.code).toBe(0);
      const report = ok.json as {
        services: { name: string; ready: boolean }[];
        kafka: { reachable: boolean; groups: { group: string; partitions: unknown[] }[] };
        counts: { outcomes: { total: number } };
      };
      expect(report.services.map((s) => [s.name, s.ready])).toEqual([
        ['ingest', true],
        ['syncer', true],
        ['poller', true],
        ['projector', true],
      ]);
      expect(report.kafka.reachable).toBe(true);
      expect(report.kafka.groups.map((g) => g.group)).toEqual([
        expect.stringContaining(cfg.PROJECTOR_GROUP_ID),
      ]);
      expect(report.kafka.groups[0]!.partitions.length).toBeGreaterThan(0);
      expect(report.counts.outcomes.total).toBe(5);
      const human = await syncctl(['status', '-v'], { ...env, ...ports });
      expect(human.stdout).toMatch(/Consumer lag[\s\S]*Per partition[\s\S]*Counts/);
    } finally {
      await Promise.all(fakes.map((f) => f.close()));
    }
  });

  it('status: 1 when a service is up but not ready, 3 when one does not answer', async () => {
    const notReady = await fakeService(false);
    const down = String(await closedPort());
    try {
      const r1 = await syncctl(['status'], {
        ...env,
        INGEST_PORT: String(notReady.port),
        SYNCER_PORT: String(notReady.port),
        POLLER_PORT: String(notReady.port),
      });
      expect(r1.code).toBe(1);
      const r3 = await syncctl(['--json', 'status'], {
        ...env,
        INGEST_PORT: down,
        SYNCER_PORT: String(notReady.port),
        POLLER_PORT: String(notReady.port),
      });
      expect(r3.code).toBe(3);
      expect((r3.json as { services: { name: string; health: string }[] }).services[0]).toMatchObject({
        name: 'ingest',
        health: 'down',
      });
    } finally {
      await notReady.close();
    }
  });

  it('dlq list / redrive: needs the token (78 without, 1 when refused), redrives and reports per id', async () => {
    const list = await syncctl(['--json', 'dlq', 'list'], env);
    expect(list.code).toBe(0);
    expect((list.json as { items: { _id: string }[] }).items.map((d) => d._id)).toEqual(['d1']);
    expect((await syncctl(['dlq', 'redrive', 'd1'], env)).code).toBe(78);
    const wrong = await syncctl(['dlq', 'redrive', 'd1'], {
      ...env,
      OPERATOR_TOKEN: 'wrong-token-0123456789',
    });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/refused the token \(redrive dead letters\): operator actions need/);
    expect((await syncctl(['dlq', 'redrive'], env)).code).toBe(2);
    const ok = await syncctl(['--json', 'dlq', 'redrive', 'd1', 'nope'], { ...env, OPERATOR_TOKEN });
    expect(ok.code).toBe(1); // one of the two was refused
    expect(ok.json).toMatchObject({
      accepted: 1,
      refused: 1,
      results: [
        { deadLetterId: 'd1', accepted: true },
        { deadLetterId: 'nope', accepted: false },
      ],
    });
    await eventually(
      () => syncctl(['--json', 'dlq', 'list', '--state', 'redriven'], env),
      (r) => (r.json as { items: unknown[] }).items.length === 1,
    );
  });

  it('conflicts list / resolve: usage checks, resolves once, then says it is no longer open', async () => {
    const list = await syncctl(['conflicts', 'list'], env);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/c1\s+customer:1233\s+open\s+nickName/);
    expect(
      (await syncctl(['conflicts', 'resolve', 'c1', '--choice', 'value'], { ...env, OPERATOR_TOKEN })).code,
    ).toBe(2);
    expect(
      (await syncctl(['conflicts', 'resolve', 'missing', '--choice', 'crm'], { ...env, OPERATOR_TOKEN }))
        .code,
    ).toBe(1);
    const ok = await syncctl(['--json', 'conflicts', 'resolve', 'c1', '--choice', 'siagh', '--by', 'test'], {
      ...env,
      OPERATOR_TOKEN,
    });
    expect(ok.code).toBe(0);
    expect(ok.json).toMatchObject({ conflictId: 'c1', accepted: true });
    await eventually(
      () => syncctl(['--json', 'conflicts', 'list', '--state', 'resolving'], env),
      (r) => (r.json as { items: unknown[] }).items.length === 1,
    );
    const again = await syncctl(['conflicts', 'resolve', 'c1', '--choice', 'crm'], {
      ...env,
      OPERATOR_TOKEN,
    });
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/not open/);
  });

  it('entity show finds a customer by customer number and prints state and history', async () => {
    const r = await syncctl(['--json', 'entity', 'show', '100-1231', '--no-live'], env);
    expect(r.code).toBe(0);
    expect(r.json).toMatchObject({ mapping: { canonicalKey: 'customer:1231' }, live: null });
    expect((r.json as { history: unknown[] }).history.length).toBeGreaterThan(0);
    expect((await syncctl(['entity', 'show', '100-999999', '--no-live'], env)).code).toBe(1);
  });

  it('why says which write set each side of a field and why; an unknown field is exit 2 naming the known ones', async () => {
    const r = await syncctl(['--json', 'why', '100-1231', 'phone'], env);
    expect(r.code).toBe(0);
    expect(r.json).toMatchObject({
      canonicalKey: 'customer:1231',
      field: 'phone',
      crm: { value: '09129999999', origin: 'sync-write', reason: 'changed-on-siagh', outcomeId: 'o2' },
      siagh: { value: '09129999999', origin: 'source-edit', previous: '09121234567' },
      conflicts: [],
    });
    const text = await syncctl(['why', 'customer:1231', 'phone'], env);
    expect(text.stdout).toContain('CRM: 09129999999');
    expect(text.stdout).toContain('edited in Siagh, not in the other');
    const unknown = await syncctl(['why', '100-1231', 'fax'], env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/no lineage for field "fax".*\n.*phone/);
  });

  it('rebuild follows the projector rebuild to the switch-over', async () => {
    const r = await syncctl(['--json', 'rebuild'], { ...env, OPERATOR_TOKEN });
    expect(r.code).toBe(0);
    expect(r.json).toMatchObject({ version: expect.any(Number) as number });
    const { version, live } = r.json as { version: number; live: number };
    expect(live).toBeGreaterThanOrEqual(version);
  });

  it('reads send PROJECTOR_READ_TOKEN, else OPERATOR_TOKEN; without either the projector refuses and says which to set', async () => {
    const { PROJECTOR_READ_TOKEN: _read, ...noToken } = env;
    const refused = await syncctl(['dlq', 'list'], noToken);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/refused the token[\s\S]*set PROJECTOR_READ_TOKEN/);
    const asOperator = await syncctl(['--json', 'dlq', 'list', '--state', 'all'], {
      ...noToken,
      OPERATOR_TOKEN,
    });
    expect(asOperator.code).toBe(0);
    expect((asOperator.json as { items: unknown[] }).items).toHaveLength(1);
    const status = await syncctl(['status'], noToken);
    expect(status.stdout).toMatch(/Counts \(projector views\)\n {2}the projector refused the token/);
  });

  it('an unreachable projector is exit 3 naming it', async () => {
    const r = await syncctl(['dlq', 'list'], {
      ...env,
      PROJECTOR_URL: `http://127.0.0.1:${await closedPort()}`,
    });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/projector is not reachable/);
  });
});
