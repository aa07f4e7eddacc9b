import { toRecord } from '../src/decide/state';
import type { World } from './harness';
import { createWorld } from './harness';

jest.setTimeout(180_000);

// kafkajs cannot fence a consumer that lost its partitions (no KIP-447): such a zombie may still
// commit state. Each group join takes a larger epoch, and state carries it, so the zombie's write loses
// to the new owner's however the two land in the changelog, live and on restore.

it('a zombie cannot overwrite newer state, live or after a restore', async () => {
  const w: World = await createWorld('zombie');
  try {
    const KEY = 'customer:8001';
    const crmId = await w.crm.create('person', {
      firstName: 'نیما',
      lastName: 'یزدانی',
      nickName: 'نیما یزدانی',
      customerNumber: '100-8001',
      email: 'nima@example.com',
      phoneContacts: [{ default: true, phoneType: 'Mobile', phoneNumber: '09128880001' }],
    });
    await w.emit('crm', crmId);
    await w.waitFor('created', () =>
      w.outcomes.some((o) => o.canonicalKey === KEY && o.status === 'created'),
    );
    const old = w.syncer.states.get(KEY)!;

    // A takes the role of the zombie: a newer member (B) takes over and syncs an edit.
    await w.syncer.stop();
    const b = await w.startSyncer('b');
    w.crmSim.store.update(crmId, undefined, { email: 'nima.b@example.com' });
    await w.emit('crm', crmId);
    await w.waitFor('synced by b', () => b.states.get(KEY)?.base?.email === 'nima.b@example.com');
    const owner = b.states.get(KEY)!;
    expect(owner.generation).toBeGreaterThan(old.generation);

    // The zombie commits what it computed from its stale view: older epoch, higher version.
    const zombie = {
      ...old,
      version: owner.version + 10,
      base: { ...old.base!, email: 'zombie@example.com' },
    };
    await w.produce('entityState', KEY, 'EntityState', toRecord(zombie));
    await new Promise((r) => setTimeout(r, 2000));
    expect(b.states.get(KEY)!.base!.email).toBe('nima.b@example.com');

    // A fresh instance restoring from the changelog also keeps the owner's state...
    await b.stop();
    const c = await w.startSyncer('c');
    await w.waitFor('restored', () => (c.states.get(KEY)?.version ?? -1) >= owner.version);
    await new Promise((r) => setTimeout(r, 1500)); // the zombie's record lies after the owner's in the log
    expect(c.states.get(KEY)).toMatchObject({ generation: owner.generation, version: owner.version });
    expect(c.states.get(KEY)!.base!.email).toBe('nima.b@example.com');
    w.crmSim.store.update(crmId, undefined, { description: 'after restore' });
    await w.emit('crm', crmId);
    await w.waitFor('synced by c', () => c.states.get(KEY)?.base?.description === 'after restore');
    const restored = c.states.get(KEY)!;
    expect(restored.base!.email).toBe('nima.b@example.com');
    // ...and syncs on from it: Siagh never saw the zombie's value.
    const contact = [...w.siaghSim.store.contacts.values()].find((x) => String(x.tmpid) === '8001')!;
    expect(contact.Email).toBe('nima.b@example.com');
    expect(contact.Description).toBe('after restore');
  } finally {
    await w.close();
  }
});
