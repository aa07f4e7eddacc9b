import type { ConflictResolution, WorkEvent } from '@siaghsync/shared/events';
import type { World } from './harness';
import { createWorld } from './harness';

jest.setTimeout(120_000);

// Edits of one customer on both sides between two syncs, through the real broker and simulators.

describe('conflicts on the real pipeline', () => {
  let w: World;
  let crmId: string;
  let code: number;
  const KEY = 'customer:7001';
  const count = (status: string) =>
    w.outcomes.filter((o) => o.canonicalKey === KEY && o.status === status).length;
  const contact = () => w.siaghSim.store.contacts.get(code)!;
  const crmRecord = () => w.crmSim.store.get(crmId)!;

  beforeAll(async () => {
    w = await createWorld('conflicts');
    crmId = await w.crm.create('person', {
      firstName: 'مریم',
      lastName: 'حسینی',
      nickName: 'مریم حسینی',
      customerNumber: '100-7001',
      email: 'maryam@example.com',
      description: 'نسخه اول',
      phoneContacts: [{ default: true, phoneType: 'Mobile', phoneNumber: '09127770001' }],
      addressContacts: [
        {
          default: true,
          country: 'ایران',
          state: 'تهران',
          city: 'تهران',
          address: 'خیابان اول',
          zipCode: '1111111111',
        },
      ],
    });
    await w.emit('crm', crmId);
    await w.waitFor('created', () => count('created') === 1);
    code = Number([...w.siaghSim.store.contacts.values()].find((c) => String(c.tmpid) === '7001')!.Code);
  });
  afterAll(async () => {
    await w?.close();
  });

  it('edits of different fields on both sides both survive', async () => {
    w.crmSim.store.update(crmId, undefined, { email: 'maryam.new@example.com' });
    w.siaghSim.store.updateContact(code, { Address: 'خیابان دوم' });
    await w.emit('siagh', String(code), { naturalKey: '7001' });
    await w.waitFor('merged', () => count('synced') >= 1);
    await w.emit('crm', crmId);
    await w.waitFor('settled', () => w.outcomes.filter((o) => o.canonicalKey === KEY).length >= 3);
    expect(contact().Email).toBe('maryam.new@example.com');
    expect(crmRecord().addressContacts[0]!.address).toBe('خیابان دوم');
    expect(w.conflicts.filter((c) => c.canonicalKey === KEY)).toEqual([]);
  });

  it('the same field on both sides: the policy decides (mobile: siagh-wins) and the conflict is recorded', async () => {
    w.crmSim.store.update(crmId, undefined, {
      phoneContacts: [{ default: true, phoneType: 'Mobile', phoneNumber: '09127770002' }],
    });
    w.siaghSim.store.updateContact(code, { MobileNo: '09127770003' });
    await w.emit('crm', crmId);
    const conflict = await w.waitFor('conflict', () =>
      w.conflicts.find((c) => c.canonicalKey === KEY && c.field === 'mobile'),
    );
    expect(conflict).toMatchObject({ policy: 'siagh-wins', winner: 'siagh', status: 'auto-resolved' });
    await w.waitFor('crm has siagh value', () => crmRecord().phoneContacts[0]?.phoneNumber === '09127770003');
    expect(contact().MobileNo).toBe('09127770003');
  });

  it('a manual field is parked, the others keep flowing, and an operator resolution settles it in order', async () => {
    w.crmSim.store.update(crmId, undefined, { description: 'از طرف فروش', email: 'm3@example.com' });
    w.siaghSim.store.updateContact(code, { Description: 'از طرف مالی' });
    await w.emit('crm', crmId);
    const open = await w.waitFor('open conflict', () =>
      w.conflicts.find((c) => c.canonicalKey === KEY && c.field === 'description' && c.status === 'open'),
    );
    await w.waitFor('email flowed', () => contact().Email === 'm3@example.com');
    expect(contact().Description).toBe('از طرف مالی');
    expect(crmRecord().description).toBe('از طرف فروش');

    const resolution: ConflictResolution = {
      resolutionId: 'res-1',
      conflictId: open.conflictId,
      canonicalKey: KEY,
      field: 'description',
      choice: 'crm',
      value: null,
      resolvedBy: 'operator:test',
      resolvedAt: Date.now(),
      correlationId: 'corr-resolution',
    };
    const work: WorkEvent = {
      canonicalKey: KEY,
      kind: 'resolution',
      routeReason: 'direct',
      routedAt: Date.now(),
      correlationId: 'corr-resolution',
      change: null,
      resolution: JSON.stringify(resolution),
      redriveOf: null,
    };
    await w.produce('work', KEY, 'WorkEvent', work);
    await w.waitFor('resolved', () =>
      w.conflicts.find((c) => c.conflictId === open.conflictId && c.status === 'resolved'),
    );
    await w.waitFor('siagh got crm value', () => contact().Description === 'از طرف فروش');
    // The outcome commits with the conflict but is read from its own topic: wait for it, then count.
    await w.waitFor('resolution outcome', () => count('resolved') >= 1);
    expect(count('resolved')).toBe(1);
  });
});
