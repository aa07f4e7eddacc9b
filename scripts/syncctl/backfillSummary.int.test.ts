import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { startCrmSimulator, type CrmSimulator } from '../../simulators/crm/server';
import { startSiaghSimulator, type SiaghSimulator } from '../../simulators/siagh/server';
import { requireEnv } from '../../test/harness/names';
import { simulatorEnv } from '../../test/harness/systems';
import { freePort, spawnService, stop, waitReady, type Service } from '../../test/convergence/processes';
import { syncctl } from './cli.testkit';
import { asPreviewCounts, type ImportSummary } from './importSummary';
import type { ImportPreview } from './preview';

jest.setTimeout(240_000);

const ROOT = path.resolve(__dirname, '../..');

// The real import's summary, against the dry run's prediction: simulators with a known dataset (20
// customers a side, 10 on both, some differing, one customer number on two Siagh contacts), the syncer
// and the projector as processes on a fresh prefix, no poller (so the backfill is the only import),
// `syncctl backfill --dry-run`, then `syncctl backfill`, which waits for the syncer's outcomes.
describe('syncctl backfill: the summary after the real import', () => {
  const dataset = { customers: 20, seed: 5, overlap: 0.5, divergentRate: 0.4, organizationRate: 0.3 };
  let crm: CrmSimulator;
  let siagh: SiaghSimulator;
  let env: Record<string, string>;
  const services: Service[] = [];

  beforeAll(async () => {
    crm = await startCrmSimulator({ dataset, webhooks: { enabled: false } });
    siagh = await startSiaghSimulator({ dataset });
    siagh.store.createContact({ tmpid: '3', Name: 'a second contact with number 3', IsActive: true });
    const prefix = `bfsum-${Date.now().toString(36)}${randomBytes(2).toString('hex')}.`;
    const ports = { syncer: await freePort(), projector: await freePort() };
    const operatorToken = randomBytes(18).toString('base64url');
    env = {
      KAFKA_BROKERS: requireEnv('KAFKA_BROKERS'),
      SCHEMA_REGISTRY_URL: requireEnv('SCHEMA_REGISTRY_URL'),
      MONGODB_URI: requireEnv('MONGODB_URI'),
      TOPIC_PREFIX: prefix,
      ...simulatorEnv(crm, siagh),
      SYNCER_PORT: String(ports.syncer),
      SYNCER_INSTANCE_ID: 'bfsum-a',
      PROJECTOR_PORT: String(ports.projector),
      PROJECTOR_DB: `bfsum_${prefix.slice(0, -1).replace(/[^a-zA-Z0-9_-]/g, '_')}`,
      PROJECTOR_GROUP_ID: `${prefix}siaghsync-projector`,
      PROJECTOR_LAG_GROUP_PREFIX: prefix,
      OPERATOR_TOKEN: operatorToken,
    };
    const logDir = path.join(ROOT, '.stack', 'logs', prefix.slice(0, -1));
    for (const name of ['syncer', 'projector'] as const) {
      const s = spawnService(ROOT, logDir, name, `services/${name}/src/main.ts`, env);
      services.push(s);
      await waitReady(s, ports[name], 120_000);
    }
  });
  afterAll(async () => {
    await Promise.all(services.map((s) => stop(s)));
    await crm?.close();
    await siagh?.close();
  });

  it('waits for the syncer and reports the numbers the dry run predicted', async () => {
    const preview = await syncctl(['--json', 'backfill', '--dry-run'], env);
    expect(preview.code).toBe(0);
    const predicted = (preview.json as ImportPreview).counts;
    expect(predicted.collisions.siagh).toBe(1);
    expect(predicted.pairsDiffering).toBeGreaterThan(0);

    const real = await syncctl(['--json', 'backfill', '--source', 'both', '--wait', '60'], env);
    expect(real.stderr).not.toMatch(/backfill failed/);
    expect(real.code).toBe(0);
    const summary = (real.json as { import: ImportSummary }).import;
    expect(summary.complete).toBe(true);
    expect(summary.result.decided).toBe(summary.emitted);
    expect(summary.emitted).toBe(predicted.read.crm + predicted.read.siagh);
    expect(asPreviewCounts(summary)).toEqual(predicted);
    expect(summary.result.deadLettered).toBe(0);

    // Asked again later by its correlation ids, as the summary of an unfinished wait says to.
    const again = await syncctl(
      ['backfill', '--summary-of', summary.correlationIds.join(','), '--emitted', String(summary.emitted)],
      env,
    );
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(new RegExp(`^\\s*pairs linked\\s+${predicted.pairs}\\s*$`, 'm'));
    expect(again.stdout).toMatch(new RegExp(`events decided\\s+${summary.emitted}/${summary.emitted}`));
  });
});
