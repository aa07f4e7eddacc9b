import type { CanonicalCustomer } from '@siaghsync/shared/mapping/canonical';
import { sideChecksum } from '@siaghsync/shared/mapping/sides';
import { config, change, crmRec, customer, siaghRec, synced, when, KEY } from '../../test/spec';
import { decide } from './decide';
import { adoptCreated, carryCreate, recoverWrites, writeAheadOf, type WriteAhead } from './recover';
import { initialState } from './state';

// A write that landed in the target before the syncer died, and whose state commit never happened.

/** A Siagh create announced on the initial state, whose id `createdId` was announced after it returned. */
const siaghCreate = (created: CanonicalCustomer, createdId: string): WriteAhead => ({
  ...writeAheadOf(
    { side: 'siagh', op: 'create', record: created, checksum: sideChecksum(created, config, 'siagh') },
    initialState(KEY),
  )!,
  createdId,
});

const base = customer({ postalCode: '1111111111' });

/** The state a crash left: base still the old record, at version 3. */
const before = () => ({ ...synced(base), version: 3 });

/** The write that decision made (a Siagh postal code sent to the CRM) on that state. */
function crmPostalCodeWrite(value: string): WriteAhead {
  const record = customer({ postalCode: value });
  return writeAheadOf(
    {
      side: 'crm',
      op: 'update',
      id: 'crm-guid-1',
      record,
      checksum: sideChecksum(record, config, 'crm'),
      fields: ['postalCode'],
    },
    before(),
  )!;
}

describe('recoverWrites: our own write after a crash is not a person edit', () => {
  it('without it, the landed write beats a newer Siagh edit as a conflict (seed 601)', () => {
    // The CRM holds what we wrote (2222...), Siagh was edited again since (3333...).
    const fetched = {
      crm: crmRec(customer({ postalCode: '2222222222' })),
      siagh: siaghRec(customer({ postalCode: '3333333333' })),
    };
    const d = when(before(), change('siagh'), fetched);
    expect(d.conflicts).toEqual([expect.objectContaining({ field: 'postalCode', winner: 'crm' })]);
  });

  it('with it, the newer Siagh edit flows to the CRM and nothing is recorded as a conflict', () => {
    const fetched = {
      crm: crmRec(customer({ postalCode: '2222222222' })),
      siagh: siaghRec(customer({ postalCode: '3333333333' })),
    };
    const state = recoverWrites(before(), [crmPostalCodeWrite('2222222222')], fetched, config);
    expect(state.base?.postalCode).toBe('2222222222');
    const d = decide({ state, event: change('siagh'), fetched, config, now: 10_000 });
    expect(d.conflicts).toEqual([]);
    expect(d.writes).toEqual([
      expect.objectContaining({ side: 'crm', op: 'update', fields: ['postalCode'] }),
    ]);
    expect(d.writes[0]).toMatchObject({ record: { postalCode: '3333333333' } });
  });

  it('marks the target as our echo when it holds exactly what we wrote', () => {
    const fetched = {
      crm: crmRec(customer({ postalCode: '2222222222' })),
      siagh: siaghRec(customer({ postalCode: '2222222222' })),
    };
    const write = crmPostalCodeWrite('2222222222');
    const state = recoverWrites(before(), [write], fetched, config);
    expect(state.crm.written).toBe(write.checksum);
    const d = decide({ state, event: change('crm'), fetched, config, now: 10_000 });
    expect(d.writes).toEqual([]);
    expect(d.outcome.status).toBe('skipped-echo');
  });

  it('a write that did not land leaves the base alone', () => {
    const fetched = {
      crm: crmRec(base),
      siagh: siaghRec(customer({ postalCode: '2222222222' })),
    };
    const state = recoverWrites(before(), [crmPostalCodeWrite('2222222222')], fetched, config);
    expect(state.base).toEqual(base);
    const d = decide({ state, event: change('siagh'), fetched, config, now: 10_000 });
    expect(d.writes).toEqual([expect.objectContaining({ side: 'crm', fields: ['postalCode'] })]);
  });

  it('a write announced on an older state version is settled already and ignored', () => {
    const fetched = { crm: crmRec(customer({ postalCode: '2222222222' })), siagh: siaghRec(base) };
    const stale = { ...crmPostalCodeWrite('2222222222'), stateVersion: 2 };
    expect(recoverWrites(before(), [stale], fetched, config)).toEqual(before());
  });

  it('a create that landed becomes the base, so a person edit made on it since flows back', () => {
    const created = customer();
    const write = writeAheadOf(
      { side: 'siagh', op: 'create', record: created, checksum: sideChecksum(created, config, 'siagh') },
      initialState(KEY),
    )!;
    // Siagh's contact (ours) was renamed by a person before our commit; the CRM is unchanged.
    const fetched = { crm: crmRec(created), siagh: siaghRec(customer({ name: 'نام تازه' })) };
    const state = recoverWrites(initialState(KEY), [write], fetched, config);
    const d = decide({ state, event: change('crm'), fetched, config, now: 10_000 });
    expect(d.conflicts).toEqual([]);
    expect(d.writes).toEqual([expect.objectContaining({ side: 'crm', op: 'update', fields: ['name'] })]);
  });
});

describe('adoptCreated: a create whose id was announced, then the syncer died before its commit', () => {
  // Seed 804: Siagh contact 501 → CRM person created (id crm-guid-1), crash, then a person edited and
  // deleted that person. Searching by customer number finds nothing; creating again undid the delete.
  const created = customer();
  const createWrite = (createdId: string | null): WriteAhead => ({
    ...writeAheadOf(
      { side: 'crm', op: 'create', record: created, checksum: sideChecksum(created, config, 'crm') },
      initialState(KEY),
    )!,
    createdId,
  });
  const siaghEvent = change('siagh', { sourceId: '501' });

  it('links the created record by id, so its deletion takes the delete policy instead of a second create', () => {
    const state = adoptCreated(initialState(KEY), [createWrite('crm-guid-1')], config);
    expect(state.crm.id).toBe('crm-guid-1');
    const d = decide({
      state,
      event: siaghEvent,
      fetched: { crm: null, siagh: siaghRec(created) },
      config,
      now: 10_000,
    });
    expect(d.writes.map((w) => w.op)).not.toContain('create');
    expect(d.outcome.status).toBe('deleted');
    expect(d.writes).toEqual([expect.objectContaining({ side: 'siagh', op: 'deactivate', id: '501' })]);
  });

  it('without the id the same re-run creates a second record (what the announcement prevents)', () => {
    const state = adoptCreated(initialState(KEY), [createWrite(null)], config);
    expect(state).toEqual(initialState(KEY));
    const d = decide({
      state,
      event: siaghEvent,
      fetched: { crm: null, siagh: siaghRec(created), missing: { crm: 1231 } },
      config,
      now: 10_000,
    });
    expect(d.writes).toEqual([expect.objectContaining({ side: 'crm', op: 'create' })]);
  });

  it('a Siagh edit made since the create makes the delete a conflict, never a silent loss', () => {
    const state = adoptCreated(initialState(KEY), [createWrite('crm-guid-1')], config);
    const d = decide({
      state,
      event: siaghEvent,
      fetched: { crm: null, siagh: siaghRec(customer({ name: 'نام تازه' })) },
      config,
      now: 10_000,
    });
    expect(d.writes).toEqual([]);
    expect(d.outcome.status).toBe('conflict');
    expect(d.conflicts).toEqual([expect.objectContaining({ field: 'record', policy: 'delete-vs-edit' })]);
  });

  it('a CRM edit of the created record flows to Siagh from the created values as base', () => {
    const announced = [createWrite('crm-guid-1')];
    const fetched = { crm: crmRec(customer({ phone: '02188776655' })), siagh: siaghRec(created) };
    const state = recoverWrites(
      adoptCreated(initialState(KEY), announced, config),
      announced,
      fetched,
      config,
    );
    const d = decide({ state, event: change('crm'), fetched, config, now: 10_000 });
    expect(d.conflicts).toEqual([]);
    expect(d.writes).toEqual([expect.objectContaining({ side: 'siagh', op: 'update', fields: ['phone'] })]);
  });

  it('ignores a create announced on another state version, or on a side already linked', () => {
    const other = { ...createWrite('crm-guid-1'), stateVersion: 7 };
    expect(adoptCreated(initialState(KEY), [other], config)).toEqual(initialState(KEY));
    const linked = synced(created);
    expect(adoptCreated(linked, [{ ...createWrite('x'), stateVersion: linked.version }], config)).toEqual(
      linked,
    );
  });
});

describe('carryCreate: an update announced over a create that an earlier attempt made', () => {
  // Seed 2017: CRM person created → Siagh contact created (announced, id 1296), crash; the re-run adopted
  // it and announced an address update to Siagh, crash; a person changed the mobile in the CRM; the third
  // attempt no longer knew of the create and wrote Siagh's (created) mobile over the CRM's edit.
  const created = customer();
  const createAhead = siaghCreate(created, '501');
  const addressed = customer({ address: 'تهران، خیابان نو' });
  const addressUpdate = {
    side: 'siagh' as const,
    op: 'update' as const,
    id: '501',
    record: addressed,
    checksum: sideChecksum(addressed, config, 'siagh'),
    fields: ['address' as const],
  };
  /** The intents table keeps one open write per side: attempt 2's replaces attempt 1's. */
  const tableAfterAttempt2 = (announceAs: WriteAhead): WriteAhead[] => [announceAs];
  const thirdAttempt = (announced: WriteAhead[], siaghNow: typeof created) => {
    const fetched = {
      crm: crmRec(customer({ address: addressed.address, mobile: '09350000000' })),
      siagh: siaghRec(siaghNow),
    };
    const state = recoverWrites(
      adoptCreated(initialState(KEY), announced, config),
      announced,
      fetched,
      config,
    );
    return decide({ state, event: change('crm'), fetched, config, now: 10_000 });
  };

  it('announces the create with the update on top, keeping the created id', () => {
    const carried = carryCreate(writeAheadOf(addressUpdate, initialState(KEY))!, [createAhead]);
    expect(carried).toMatchObject({
      op: 'create',
      side: 'siagh',
      createdId: '501',
      values: created,
      then: { address: addressed.address },
      checksum: addressUpdate.checksum,
    });
  });

  it('the third attempt still links by id, and the CRM mobile edit flows to Siagh', () => {
    const announced = tableAfterAttempt2(
      carryCreate(writeAheadOf(addressUpdate, initialState(KEY))!, [createAhead]),
    );
    const d = thirdAttempt(announced, addressed);
    expect(d.conflicts).toEqual([]);
    expect(d.writes).toEqual([expect.objectContaining({ side: 'siagh', op: 'update', fields: ['mobile'] })]);
    expect(d.writes[0]).toMatchObject({ id: '501', record: { mobile: '09350000000' } });
  });

  it('without it, the third attempt writes the created mobile over the CRM edit (what seed 2017 lost)', () => {
    const announced = tableAfterAttempt2(writeAheadOf(addressUpdate, initialState(KEY))!);
    const d = thirdAttempt(announced, addressed);
    const toCrm = d.writes.find((w) => w.side === 'crm');
    expect(toCrm).toMatchObject({ op: 'update', record: { mobile: created.mobile } });
  });

  it('an update that never landed is not taken for a Siagh edit of that field', () => {
    const announced = tableAfterAttempt2(
      carryCreate(writeAheadOf(addressUpdate, initialState(KEY))!, [createAhead]),
    );
    // Siagh still holds the created address: the base keeps it, so the CRM's address (and mobile) flow on.
    const d = thirdAttempt(announced, created);
    expect(d.conflicts).toEqual([]);
    expect(d.writes).toHaveLength(1);
    expect(d.writes[0]).toMatchObject({ side: 'siagh', op: 'update' });
    expect(d.writes[0]?.op === 'update' && [...d.writes[0].fields].sort()).toEqual(['address', 'mobile']);
  });

  it('leaves a create, an update on the other side and an update without an announced create alone', () => {
    const update = writeAheadOf(addressUpdate, initialState(KEY))!;
    expect(carryCreate(createAhead, [createAhead])).toBe(createAhead);
    expect(carryCreate(update, [])).toBe(update);
    expect(carryCreate(update, [{ ...createAhead, side: 'crm' }])).toBe(update);
    expect(carryCreate(update, [{ ...createAhead, createdId: null }])).toBe(update);
  });
});

describe('recoverWrites: a carried create and an update of the other side, in either order', () => {
  // Attempt 2 adopted a created Siagh contact and sent a description to the CRM and an address to Siagh
  // (carried as the create); both landed, then it died, and a person edited the description in Siagh.
  const created = customer({ description: 'D0' });
  const createAhead: WriteAhead = {
    ...siaghCreate(created, '501'),
    then: { address: 'تهران، خیابان نو' },
  };
  const crmDescription: WriteAhead = {
    op: 'update',
    side: 'crm',
    stateVersion: 0,
    values: { description: 'D1' },
    checksum: 'x',
  };
  const fetched = {
    crm: crmRec(customer({ description: 'D1', address: 'تهران، خیابان نو' })),
    siagh: siaghRec(customer({ description: 'D2', address: 'تهران، خیابان نو' })),
  };

  it.each([
    ['crm first', [crmDescription, createAhead]],
    ['create first', [createAhead, crmDescription]],
  ])('%s: the CRM description we wrote is the base, so the Siagh edit flows on', (_, announced) => {
    const state = recoverWrites(
      adoptCreated(initialState(KEY), announced, config),
      announced,
      fetched,
      config,
    );
    expect(state.base).toMatchObject({ description: 'D1', address: 'تهران، خیابان نو' });
    const d = decide({ state, event: change('siagh'), fetched, config, now: 10_000 });
    expect(d.conflicts).toEqual([]);
    expect(d.writes).toEqual([
      expect.objectContaining({ side: 'crm', op: 'update', fields: ['description'] }),
    ]);
  });
});

describe('carryCreate across uncommitted versions (seed 2036)', () => {
  // Attempt 1 created Siagh contact 1243 at version 0; later events of the same entity ran in memory up to
  // version 2 and sent Siagh an update; the syncer died before any commit, so the state is back at 0.
  const created = customer();
  const createAhead = siaghCreate(created, '1243');
  const emailed = customer({ email: 'new@example.com' });
  const updateAtV2 = writeAheadOf(
    {
      side: 'siagh',
      op: 'update',
      id: '1243',
      record: emailed,
      checksum: sideChecksum(emailed, config, 'siagh'),
      fields: ['email'],
    },
    { ...initialState(KEY), version: 2 },
  )!;

  it('the update of version 2 carries the create of version 0, so the re-run at 0 adopts 1243', () => {
    const announced = [carryCreate(updateAtV2, [createAhead])];
    const state = adoptCreated(initialState(KEY), announced, config);
    expect(state.siagh.id).toBe('1243');
    // A person's Siagh edit since then flows to the CRM instead of a second contact being created.
    const fetched = {
      crm: crmRec(emailed),
      siagh: siaghRec(customer({ email: 'new@example.com', phone: '02155554444' })),
    };
    const d = decide({
      state: recoverWrites(state, announced, fetched, config),
      event: change('siagh'),
      fetched,
      config,
      now: 10_000,
    });
    expect(d.writes.map((w) => w.op)).not.toContain('create');
    expect(d.writes).toEqual([expect.objectContaining({ side: 'crm', op: 'update', fields: ['phone'] })]);
  });

  it('a create announced on a later version than the update is not carried', () => {
    const later = { ...createAhead, stateVersion: 3 };
    expect(carryCreate(updateAtV2, [later])).toBe(updateAtV2);
  });
});
