import type { Syncer } from '../src/service';
import type { World } from './harness';
import { createWorld } from './harness';

// Pause (#21 item 4): an operator stops the writes to Siagh (a fiscal-year close), then to one customer.
// Events keep being consumed and wait in order; nothing is written while paused, the pause outlasts a
// restart, a flag that is not signed changes nothing, and on resume the waiting edits arrive, the last
// one last.

jest.setTimeout(180_000);

const person = (n: number, email: string) => ({
  firstName: 'مکث',
  lastName: `آزمون ${n}`,
  nickName: `مکث ${n}`,
  customerNumber: `100-${n}`,
  email,
  phoneContacts: [{ default: true, phoneType: 'Mobile', phoneNumber: `0912${n}000` }],
});

describe('pause and resume', () => {
  let w: World | undefined;
  afterAll(async () => {
    await w?.close();
  });

  it('writes wait in order while paused, across a restart, and go on when resumed', async () => {
    w = await createWorld('pause');
    const world = w;
    let syncer: Syncer = world.syncer;
    const contact = (n: number) =>
      [...world.siaghSim.store.contacts.values()].find((c) => String(c.tmpid) === String(n));
    const outcomesOf = (n: number) => world.outcomes.filter((o) => o.canonicalKey === `customer:${n}`);
    const updates = (n: number) =>
      world.siaghSim.journal.list().filter((e) => e.op === 'update' && e.customerNo === String(n));
    const edit = async (crmId: string, email: string) => {
      world.crmSim.store.update(crmId, undefined, { email });
      await world.emit('crm', crmId);
    };

    const a = await world.crm.create('person', person(9501, 'a0@example.com'));
    const b = await world.crm.create('person', person(9502, 'b0@example.com'));
    await world.emit('crm', a);
    await world.emit('crm', b);
    await world.waitFor('both created', () => contact(9501) && contact(9502));

    // A flag without the operator's signature is ignored.
    await world.pause('all', true, { unsigned: true });
    // Writes to Siagh paused: two edits of A wait, the second queued behind the first.
    await world.pause('siagh', true, { reason: 'fiscal-year close' });
    await world.waitFor('pause seen', () => syncer.pauses().some((p) => p.scope === 'siagh'));
    expect(syncer.pauses().map((p) => p.scope)).toEqual(['siagh']);
    await edit(a, 'a1@example.com');
    const paused = await world.waitFor('A waits on the pause', () =>
      outcomesOf(9501).find((o) => o.status === 'waiting' && o.error?.code === 'PAUSED'),
    );
    expect(paused.error?.message).toContain('writes to siagh paused by test');
    expect(paused.error?.message).toContain('fiscal-year close');
    await edit(a, 'a2@example.com');
    await world.waitFor('the second edit queued', () =>
      outcomesOf(9501).some((o) => o.status === 'waiting' && o.attempts === 0),
    );

    // A restart keeps the pause: the parked event runs again at restore and parks again.
    const before = outcomesOf(9501).length;
    await syncer.stop();
    syncer = await world.startSyncer('a2');
    await world.waitFor('restored under the pause', () => outcomesOf(9501).length > before, 60_000);
    expect(syncer.pauses().map((p) => p.scope)).toEqual(['siagh']);
    await new Promise((r) => setTimeout(r, 1_000));
    expect(updates(9501)).toEqual([]);
    expect(contact(9501)!.Email).toBe('a0@example.com');

    // Resumed: the waiting edits go through in order; Siagh ends with the last one.
    await world.pause('siagh', false);
    await world.waitFor('A synced after resume', () => contact(9501)!.Email === 'a2@example.com', 60_000);
    expect(syncer.pauses()).toEqual([]);
    expect(updates(9501).length).toBeGreaterThanOrEqual(1);

    // One customer paused: its edit waits, another customer's goes ahead.
    await world.pause('customer:9502', true, { reason: 'under investigation' });
    await world.waitFor('customer pause seen', () => syncer.pauses().length === 1);
    await edit(b, 'b1@example.com');
    await world.waitFor('B waits', () =>
      outcomesOf(9502).some((o) => o.status === 'waiting' && o.error?.code === 'PAUSED'),
    );
    await edit(a, 'a3@example.com');
    await world.waitFor('A goes ahead', () => contact(9501)!.Email === 'a3@example.com');
    expect(contact(9502)!.Email).toBe('b0@example.com');
    await world.pause('customer:9502', false);
    await world.waitFor('B synced after resume', () => contact(9502)!.Email === 'b1@example.com', 60_000);
    expect(world.deadLetters).toEqual([]);
  });
});
