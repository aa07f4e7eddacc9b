import { generateDataset } from '../../../simulators/data/generator';
import type { World } from './harness';
import { createWorld } from './harness';

jest.setTimeout(300_000);

// Initial import with overlapping data, processed by TWO syncer instances (the second joins in the
// middle, so partitions move while events are in flight): existing pairs are linked, only the missing
// records are created, nothing is duplicated.

describe('initial import with overlapping data and a rebalance', () => {
  let w: World;
  afterAll(async () => {
    await w?.close();
  });

  it('links existing pairs, creates only what is missing, no duplicates', async () => {
    const ds = generateDataset({ seed: 11, customers: 120, overlap: 0.5, divergentRate: 0.2 });
    w = await createWorld('import', {
      crm: { data: { identities: ds.crm.identities } },
      siagh: { data: { contacts: ds.siagh.contacts } },
    });
    const crmCount = ds.crm.identities.length;
    const siaghCount = ds.siagh.contacts.length;
    const overlap = ds.overlapping.length;

    const half = Math.floor(crmCount / 2);
    for (const i of ds.crm.identities.slice(0, half)) await w.emit('crm', i.crmId, { trigger: 'backfill' });
    await w.startSyncer('b');
    for (const i of ds.crm.identities.slice(half)) await w.emit('crm', i.crmId, { trigger: 'backfill' });
    for (const c of ds.siagh.contacts) {
      await w.emit('siagh', String(c.Code), { trigger: 'backfill', naturalKey: String(c.tmpid) });
    }
    const expected = crmCount + siaghCount - overlap;
    await w.waitFor(
      'every customer on both sides',
      () =>
        w.crmSim.store.dump().identities.length === expected && w.siaghSim.store.contacts.size === expected,
      240_000,
    );
    // A pair's CRM event may wait for its Siagh event (reads/awaitCounterpart.ts): linked once that comes.
    const linked = () =>
      new Set(
        w.outcomes.filter((o) => o.status === 'linked' || o.status === 'synced').map((o) => o.canonicalKey),
      );
    await w.waitFor('every overlapping pair linked', () =>
      ds.overlapping.every((n) => linked().has(`customer:${n}`)),
    );
    const tmpids = [...w.siaghSim.store.contacts.values()].map((c) => String(c.tmpid));
    expect(new Set(tmpids).size).toBe(expected);
    const numbers = w.crmSim.store.dump().identities.map((i) => i.customerNumber);
    expect(new Set(numbers).size).toBe(expected);
    // Overlapping pairs were linked, never re-created.
    const linkedKeys = linked();
    for (const n of ds.overlapping) expect(linkedKeys.has(`customer:${n}`)).toBe(true);
    // A create whose batch was cut by the rebalance is re-run by the new owner, which finds the record
    // by its natural key and reports it linked: so at most one 'created' per customer, never two.
    const creates = w.outcomes.filter((o) => o.status === 'created');
    expect(creates.length).toBeLessThanOrEqual(expected - overlap);
    expect(new Set(creates.map((o) => o.canonicalKey)).size).toBe(creates.length);
  });
});
