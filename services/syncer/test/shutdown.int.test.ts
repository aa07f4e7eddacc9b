import type { World } from './harness';
import { createWorld } from './harness';

jest.setTimeout(180_000);

// A stop while an event waits out its backoff: the retry schedule here is minutes long (20 attempts,
// 5 s doubling to 30 s). The stop must not run it; the event parks, is committed as `retrying`, and the
// next syncer retries it once the target is back, creating the contact exactly once.

describe('syncer stop while an event is retrying', () => {
  let w: World | undefined;
  afterEach(async () => {
    await w?.close();
    w = undefined;
  });

  it('parks the event at once instead of waiting out its retries; the next syncer finishes it', async () => {
    w = await createWorld('shutdown', {
      siagh: { faults: { errorRate: 1, errorStatuses: [503], paths: ['/BpmsApi/SaveFormData'] } },
      env: { SYNCER_MAX_ATTEMPTS: '20', SYNCER_RETRY_BASE_MS: '5000', SYNCER_RETRY_MAX_MS: '30000' },
    });
    const world = w;
    const crmId = await world.crm.create('person', {
      firstName: 'سارا',
      lastName: 'توقف',
      nickName: 'سارا توقف',
      customerNumber: '100-9301',
      phoneContacts: [{ default: true, phoneType: 'Mobile', phoneNumber: '09129301000' }],
    });
    await world.emit('crm', crmId);
    await world.waitFor('a failed Siagh save', () =>
      world.siaghSim.recorder.list().some((c) => c.path.includes('SaveFormData') && c.status === 503),
    );

    const t0 = Date.now();
    await world.syncer.stop();
    const stopMs = Date.now() - t0;
    // The remaining schedule is over 5 minutes; a stop that waited for it would not be done in 20 s.
    expect(stopMs).toBeLessThan(20_000);
    const parked = await world.waitFor('the parked outcome', () =>
      world.outcomes.find((o) => o.canonicalKey === 'customer:9301' && o.status === 'retrying'),
    );
    expect(parked.error?.kind).toBe('transient');
    expect([...world.siaghSim.store.contacts.values()].filter((c) => c.tmpid === '9301')).toHaveLength(0);

    world.siaghSim.faults.set({});
    await world.startSyncer('b');
    await world.waitFor(
      'the contact in Siagh',
      () => [...world.siaghSim.store.contacts.values()].some((c) => c.tmpid === '9301'),
      90_000,
    );
    await world.waitFor('the synced outcome', () =>
      world.outcomes.find((o) => o.canonicalKey === 'customer:9301' && o.status === 'created'),
    );
    expect([...world.siaghSim.store.contacts.values()].filter((c) => c.tmpid === '9301')).toHaveLength(1);
    expect(world.deadLetters).toEqual([]);
  });
});
