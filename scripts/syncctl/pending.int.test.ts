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
import {
  QUOTE_CUSTOMER_CRM_ID,
  writePendingScenario,
} from '../../services/projector/src/testing/pendingScenario';
import type { ProjectorConfig } from '../../services/projector/src/config';
import { closedPort, syncctl } from './cli.testkit';
import type { PendingResult } from './pending';

jest.setTimeout(180_000);

// `syncctl pending` against a real projector (real Kafka, registry, FerretDB) folding the syncer's
// entity state: customer:1240 retrying (Siagh 503), customer:1241 waiting for its CRM counterpart,
// quote preinvoice:crm:q-77 waiting for its customer's link; customer:1242 waited and recovered.
describe('syncctl pending', () => {
  let cfg: ProjectorConfig;
  let svc: RunningService;
  let writer: LogWriter;
  let env: Record<string, string>;

  beforeAll(async () => {
    cfg = testConfig('ctl-pending');
    writer = await openWriter(cfg);
    await writePendingScenario(writer, Date.now());
    svc = await startService(cfg, quietLogger());
    await eventually(
      () => getJson<{ counts: { total: number } }>(`${svc.url}/api/pending`),
      (r) => r.status === 200 && r.body.counts.total === 3,
    );
    env = { PROJECTOR_URL: svc.url, PROJECTOR_READ_TOKEN: READ_TOKEN };
  });
  afterAll(async () => {
    await svc?.stop();
    await writer?.close();
  });

  it('prints counts per state and a row per waiting entity: age and UTC time, why, next attempt', async () => {
    const r = await syncctl(['pending'], env);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('3 waiting: 1 retrying, 1 waiting-for-link, 1 waiting-for-counterpart');
    expect(lines[1]).toMatch(/^entity\s+kind\s+customer\s+state\s+waiting\s+since\s+why\s+next attempt/);
    const time = String.raw`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ`;
    expect(lines[3]).toMatch(
      new RegExp(
        String.raw`^preinvoice:crm:q-77\s+quote\s+100-1299\s+waiting-for-link\s+4\d min\s+${time}\s+waiting-for-customer-link: .*when crm:${QUOTE_CUSTOMER_CRM_ID} is linked\s+1\s+0$`,
      ),
    );
    expect(lines[4]).toMatch(
      new RegExp(
        String.raw`^customer:1240\s+customer\s+100-1240\s+retrying\s+2\d min\s+${time}\s+SIAGH_SERVER_ERROR: سرویس در دسترس نیست\s+due \(${time}\)\s+10\s+1$`,
      ),
    );
    expect(lines[5]).toMatch(
      new RegExp(
        String.raw`^customer:1241\s+customer\s+100-1241\s+waiting-for-counterpart\s+\d+ min\s+.*in \d+ min`,
      ),
    );
    expect(lines).toHaveLength(6);
    expect(r.stderr).toBe('');
  });

  it('--state, --kind and --json', async () => {
    const retrying = await syncctl(['--json', 'pending', '--state', 'retrying'], env);
    expect(retrying.code).toBe(0);
    const body = retrying.json as PendingResult;
    expect(body.items.map((i) => [i.canonicalKey, i.state, i.reasonCode, i.attempts])).toEqual([
      ['customer:1240', 'retrying', 'SIAGH_SERVER_ERROR', 10],
    ]);
    expect(body.more).toBe(false);
    expect(body.counts.total).toBe(3);
    const waiting = (await syncctl(['--json', 'pending', '--state', 'waiting'], env)).json as PendingResult;
    expect(waiting.items.map((i) => i.canonicalKey)).toEqual(['preinvoice:crm:q-77', 'customer:1241']);
    const quotes = await syncctl(['pending', '--kind', 'quote'], env);
    expect(quotes.stdout).toMatch(/^1 waiting: 1 waiting-for-link\n/);
    expect(quotes.stdout).not.toContain('customer:1240');
    const paged = (await syncctl(['--json', 'pending', '--limit', '2'], env)).json as PendingResult;
    expect(paged.items).toHaveLength(2);
    expect(paged.more).toBe(true);
    const none = await syncctl(['pending', '--state', 'parked'], env);
    expect(none.stdout).toBe('3 waiting: 1 retrying, 1 waiting-for-link, 1 waiting-for-counterpart\n');
  });

  it('exit codes: 2 on a bad option, 1 when the token is refused, 3 when the projector does not answer', async () => {
    expect((await syncctl(['pending', '--state', 'stuck'], env)).code).toBe(2);
    const refused = await syncctl(['pending'], { ...env, PROJECTOR_READ_TOKEN: 'wrong-token-0123456789' });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/refused the token \(list waiting work\)[\s\S]*set PROJECTOR_READ_TOKEN/);
    const asOperator = await syncctl(['--json', 'pending'], { PROJECTOR_URL: svc.url, OPERATOR_TOKEN });
    expect(asOperator.code).toBe(0);
    const down = await syncctl(['--json', 'pending'], {
      ...env,
      PROJECTOR_URL: `http://127.0.0.1:${await closedPort()}`,
    });
    expect(down.code).toBe(3);
    expect(down.json).toMatchObject({
      exitCode: 3,
      error: expect.stringMatching(/projector is not reachable/) as unknown,
    });
  });
});
