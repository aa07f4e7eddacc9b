import type { World } from './harness';
import { createWorld } from './harness';

jest.setTimeout(240_000);

const person = (n: number, mobile: string) => ({
  firstName: 'کاربر',
  lastName: `شماره ${n}`,
  nickName: `کاربر ${n}`,
  customerNumber: `100-${n}`,
  phoneContacts: [{ default: true, phoneType: 'Mobile', phoneNumber: mobile }],
});

describe('syncer under faults', () => {
  let w: World | undefined;
  afterEach(async () => {
    await w?.close();
    w = undefined;
  });

  it('429 storms and expired sessions: no change lost, none duplicated, no call before Retry-After', async () => {
    w = await createWorld('storm', {
      siagh: { faults: { rateLimitRate: 0.15, retryAfterSeconds: 1, seed: 5 } },
      crm: { faults: { rateLimitRate: 0.1, retryAfterSeconds: 1, retryAfterFormat: 'http-date', seed: 6 } },
    });
    const world = w;
    const ids: string[] = [];
    world.crmSim.faults.set({}); // creating the fixtures is not under test
    for (let k = 0; k < 12; k++)
      ids.push(await world.crm.create('person', person(9100 + k, `0912910${String(k).padStart(4, '0')}`)));
    world.crmSim.faults.set({
      rateLimitRate: 0.1,
      retryAfterSeconds: 1,
      retryAfterFormat: 'http-date',
      seed: 6,
    });
    const expire = setInterval(() => {
      world.siaghSim.sessions.expireAll();
      world.crmSim.tokens.expireAll();
    }, 700);
    try {
      for (const id of ids) await world.emit('crm', id);
      await world.waitFor(
        'all created',
        () =>
          [...world.siaghSim.store.contacts.values()].filter((c) => Number(c.tmpid) >= 9100).length === 12,
        180_000,
      );
    } finally {
      clearInterval(expire);
    }
    const tmpids = [...world.siaghSim.store.contacts.values()]
      .map((c) => Number(c.tmpid))
      .filter((n) => n >= 9100);
    expect(new Set(tmpids).size).toBe(12);
    expect(tmpids).toHaveLength(12);
    expect(world.deadLetters).toEqual([]);

    // After a 429, no NEW call reaches that system before Retry-After (1 s). Calls already on the wire
    // when the 429 was sent may still land just after it, so the first 250 ms are not counted.
    for (const sim of [world.siaghSim, world.crmSim]) {
      const calls = sim.recorder.list().filter((c) => !c.path.startsWith('/_sim'));
      const limited = calls.filter((c) => c.status === 429);
      expect(limited.length).toBeGreaterThan(0);
      const early = limited.flatMap((l) =>
        calls
          .filter((c) => c.timeMs - l.timeMs > 250 && c.timeMs - l.timeMs < 950)
          .map((c) => `${c.path} ${c.timeMs - l.timeMs} ms after a 429`),
      );
      expect(early).toEqual([]);
    }
  });

  it('one side 5 minutes ahead: last-write-wins follows the clocks within policy and records each decision', async () => {
    w = await createWorld('skew', { crm: { clockOffsetMs: 5 * 60_000 } });
    const world = w;
    const crmId = await world.crm.create('person', {
      ...person(9201, '09129201000'),
      email: 'a@example.com',
    });
    await world.emit('crm', crmId);
    await world.waitFor('created', () =>
      world.outcomes.some((o) => o.canonicalKey === 'customer:9201' && o.status === 'created'),
    );
    const code = Number(
      [...world.siaghSim.store.contacts.values()].find((c) => String(c.tmpid) === '9201')!.Code,
    );

    // Siagh is edited AFTER the CRM in real time, but the CRM's clock says its edit is 5 minutes later.
    world.crmSim.store.update(crmId, undefined, { email: 'crm@example.com', nickName: 'نام از CRM' });
    await new Promise((r) => setTimeout(r, 50));
    world.siaghSim.store.updateContact(code, { Email: 'siagh@example.com', Address: 'آدرس از سیاق' });
    await world.emit('siagh', String(code), { naturalKey: '9201' });
    const conflict = await world.waitFor('conflict', () =>
      world.conflicts.find((c) => c.canonicalKey === 'customer:9201' && c.field === 'email'),
    );
    expect(conflict).toMatchObject({ policy: 'lww', winner: 'crm', status: 'auto-resolved' });
    expect(conflict.crmTime! - conflict.siaghTime!).toBeGreaterThan(4 * 60_000);
    // Fields edited on one side only are never lost to the skew.
    await world.waitFor('merged', () => world.siaghSim.store.contacts.get(code)!.Email === 'crm@example.com');
    const contact = world.siaghSim.store.contacts.get(code)!;
    expect(contact.Name).toBe('نام از CRM');
    expect(world.crmSim.store.get(crmId)!.addressContacts[0]?.address).toBe('آدرس از سیاق');
  });

  it("Siagh's clock 5 minutes ahead: it keeps no modification time, so its clock tips no last-write-wins", async () => {
    w = await createWorld('skew-siagh', { siagh: { clockOffsetMs: 5 * 60_000 } });
    const world = w;
    const crmId = await world.crm.create('person', {
      ...person(9202, '09129202000'),
      email: 'a@example.com',
    });
    await world.emit('crm', crmId);
    await world.waitFor('created', () =>
      world.outcomes.some((o) => o.canonicalKey === 'customer:9202' && o.status === 'created'),
    );
    const code = Number(
      [...world.siaghSim.store.contacts.values()].find((c) => String(c.tmpid) === '9202')!.Code,
    );

    // Siagh edited first, the CRM after it in real time; Siagh's own clock would call its edit the later.
    world.siaghSim.store.updateContact(code, { Email: 'siagh@example.com' });
    await world.emit('siagh', String(code), { naturalKey: '9202' });
    await new Promise((r) => setTimeout(r, 1_500));
    world.crmSim.store.update(crmId, undefined, { email: 'crm@example.com' });
    await world.emit('crm', crmId);
    await world.waitFor(
      'CRM edit carried to Siagh',
      () => world.siaghSim.store.contacts.get(code)!.Email === 'crm@example.com',
      60_000,
    );
    expect(world.crmSim.store.get(crmId)!.email).toBe('crm@example.com');
    // Whichever way the two edits met (one after the other, or as a conflict), the later edit won.
    for (const c of world.conflicts.filter((x) => x.canonicalKey === 'customer:9202' && x.field === 'email'))
      expect(c).toMatchObject({ winner: 'crm' });
  });

  it('a target call longer than the session timeout does not get the member evicted', async () => {
    w = await createWorld('slow', { env: { SYNCER_SESSION_TIMEOUT_MS: '8000' } });
    const world = w;
    const crmId = await world.crm.create('person', person(9301, '09129301000'));
    // R7: the next Siagh form call takes 40 s, 5 session timeouts, within the default call timeout.
    world.siaghSim.faults.set({ paths: ['/BpmsApi/SaveFormData'], script: [{ kind: 'delay', ms: 40_000 }] });
    await world.emit('crm', crmId);
    const outcome = await world.waitFor(
      'created',
      () => world.outcomes.find((o) => o.canonicalKey === 'customer:9301' && o.status === 'created'),
      120_000,
    );
    expect(outcome.attempts).toBe(1);
    expect(outcome.durationMs).toBeGreaterThanOrEqual(39_000);
    // Exactly one create reached Siagh and exactly one outcome was committed: no rebalance re-ran it.
    const creates = world.siaghSim.recorder.list().filter((c) => c.path === '/BpmsApi/SaveFormData');
    expect(creates).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 2000));
    expect(world.outcomes.filter((o) => o.canonicalKey === 'customer:9301')).toHaveLength(1);
  });
});
