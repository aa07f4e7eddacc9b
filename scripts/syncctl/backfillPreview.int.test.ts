import { startCrmSimulator, type CrmSimulator } from '../../simulators/crm/server';
import { startSiaghSimulator, type SiaghSimulator } from '../../simulators/siagh/server';
import { generateDataset } from '../../simulators/data/generator';
import { simulatorEnv } from '../../test/harness/systems';
import { closedPort, syncctl } from './cli.testkit';
import type { ImportPreview } from './preview';

jest.setTimeout(120_000);

// `syncctl backfill --dry-run` as an operator runs it, against simulators seeded with a known dataset:
// 20 customers a side, 10 on both (4 of those with a real difference on the Siagh side).
describe('syncctl backfill --dry-run', () => {
  const dataset = { customers: 20, seed: 5, overlap: 0.5, divergentRate: 0.4, organizationRate: 0.3 };
  const ds = generateDataset(dataset);
  let crm: CrmSimulator;
  let siagh: SiaghSimulator;
  let env: Record<string, string>;

  beforeAll(async () => {
    crm = await startCrmSimulator({ dataset, webhooks: { enabled: false } });
    siagh = await startSiaghSimulator({ dataset });
    env = { ...simulatorEnv(crm, siagh), KAFKA_BROKERS: '127.0.0.1:1' };
  });
  afterAll(async () => {
    await crm?.close();
    await siagh?.close();
  });

  it('--json: the dataset counts, and nothing written to either system', async () => {
    const before = {
      crm: crm.journal.list({ origin: 'api' }).length,
      siagh: siagh.journal.list({ origin: 'api' }).length,
    };
    const r = await syncctl(['--json', 'backfill', '--dry-run'], env);
    expect(r.code).toBe(0);
    const p = r.json as ImportPreview;
    expect(p.counts).toMatchObject({
      read: { crm: 20, siagh: 20 },
      pairs: ds.overlapping.length,
      pairsDiffering: new Set(ds.divergences.map((d) => d.customerNo)).size,
      creates: { crm: 20 - ds.overlapping.length, siagh: 20 - ds.overlapping.length },
      collisions: { crm: 0, siagh: 0 },
    });
    expect(p.differing.map((d) => d.customerNumber).sort((a, b) => a - b)).toEqual(
      [...new Set(ds.divergences.map((d) => d.customerNo))].sort((a, b) => a - b),
    );
    expect(crm.journal.list({ origin: 'api' }).length).toBe(before.crm);
    expect(siagh.journal.list({ origin: 'api' }).length).toBe(before.siagh);
    // Kafka is not even configured to a real broker: the dry run never touches it.
  });

  it('the table, and exit 3 when a system is unreachable', async () => {
    const r = await syncctl(['backfill', '--dry-run', '--limit', '3'], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^pairs to link +10$/m);
    const down = await syncctl(['backfill', '--dry-run'], {
      ...env,
      SIAGH_BASE_URL: `http://127.0.0.1:${await closedPort()}`,
    });
    expect(down.code).toBe(3);
  });

  it('a customer number held by two Siagh contacts is a collision; the lowest Code is linked', async () => {
    const original = [...siagh.store.contacts.values()].find((c) => String(c.tmpid) === '3')!;
    const dup = siagh.store.createContact({ tmpid: '3', Name: 'duplicate', IsActive: true });
    try {
      const r = await syncctl(['--json', 'backfill', '--dry-run'], env);
      expect(r.code).toBe(0);
      const p = r.json as ImportPreview;
      expect(p.counts.collisions).toEqual({ crm: 0, siagh: 1 });
      expect(p.collisions).toEqual([
        {
          side: 'siagh',
          customerNumber: 3,
          ids: [String(original.Code), String(dup.Code)],
          linked: String(original.Code),
        },
      ]);
    } finally {
      siagh.store.deleteContact(dup.Code);
    }
  });

  it('a sync config that does not exist: exit 78', async () => {
    const r = await syncctl(['backfill', '--dry-run'], {
      ...env,
      SYNC_CONFIG_PATH: '/nonexistent/sync.yaml',
    });
    expect(r.code).toBe(78);
    expect(r.stderr).toContain('sync config not found');
  });
});
