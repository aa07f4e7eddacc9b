import { generateDataset } from '../../../simulators/data/generator';
import type { World } from './harness';
import { createWorld } from './harness';
import { loadSyncConfig } from '@siaghsync/shared/mapping/syncConfig';
import type { CustomerKind } from '@siaghsync/shared/mapping/canonical';
import type { CrmIdentityRecord } from '@siaghsync/shared/crm/schemas';
import type { SiaghContact } from '@siaghsync/shared/siagh/schemas';
import { observeSiaghContact } from '../../poller/src/siaghPoller';
import { observeCrmIdentity } from '../../poller/src/crmPoller';

const config = loadSyncConfig();
// The checksums the pollers put on their events, by their own functions.
const siaghSum = (raw: Record<string, unknown>) =>
  observeSiaghContact(raw as unknown as SiaghContact, config).checksum;
const crmSum = (raw: Record<string, unknown>, kind: CustomerKind) =>
  observeCrmIdentity(raw as unknown as CrmIdentityRecord, kind, config).checksum;

jest.setTimeout(180_000);

const WAIT_MS = 6000;

// The import's order on a real deployment: Siagh's first sweep (one GetAll) is committed long before the
// CRM's (one call per record). The Siagh events of overlapping pairs wait for the CRM import's events,
// which link the pairs without a single CRM record read by the syncer; a pair whose CRM event never
// comes is linked at the wait's deadline with a read.

describe('Siagh import events wait for their CRM counterpart instead of reading it', () => {
  let w: World;
  afterAll(async () => {
    await w?.close();
  });

  it('links every pair with no CRM detail read, and the one left without its event at the deadline', async () => {
    const ds = generateDataset({ seed: 21, customers: 40, overlap: 0.5, divergentRate: 0 });
    w = await createWorld('await', {
      crm: { data: { identities: ds.crm.identities } },
      siagh: { data: { contacts: ds.siagh.contacts } },
      env: { SYNCER_COUNTERPART_WAIT_MS: String(WAIT_MS) },
    });
    const numberOf = (customerNumber: string | null | undefined) =>
      Number(customerNumber?.replace('100-', ''));
    const crmIdOf = new Map(ds.crm.identities.map((i) => [numberOf(i.customerNumber), i.crmId]));
    // What the pollers read, before the syncer's calls are counted.
    const contacts = await w.siagh.getAllContacts();
    const crmRecords = new Map<string, Record<string, unknown>>();
    for (const i of ds.crm.identities) {
      const raw =
        i.identityType === 2 ? await w.crm.getOrganization(i.crmId) : await w.crm.getPerson(i.crmId);
      crmRecords.set(i.crmId, raw);
    }
    const detailReads = (ids: Set<string>) =>
      w.crmSim.recorder
        .list()
        .filter(
          (c) =>
            /\/(person|organization)\/get$/.test(c.path) && ids.has(String((c.body as { id?: unknown }).id)),
        ).length;
    const [late, ...linkedByEvent] = ds.overlapping;
    const eventIds = new Set(linkedByEvent.map((n) => crmIdOf.get(n)!));
    const lateId = new Set([crmIdOf.get(late!)!]);
    const before = { events: detailReads(eventIds), late: detailReads(lateId) };

    const sweepRead = String(Date.now());
    for (const c of contacts)
      await w.emit('siagh', String(c.Code), {
        trigger: 'poll',
        naturalKey: String(c.tmpid),
        snapshot: JSON.stringify(c),
        checksum: siaghSum(c),
        attributes: { bulk: 'sweep', readStartedAt: sweepRead },
      });
    const waited = await w.waitFor('the overlapping pairs to wait', () => {
      const keys = new Set(w.outcomes.filter((o) => o.status === 'waiting').map((o) => o.canonicalKey));
      return ds.overlapping.every((n) => keys.has(`customer:${n}`)) && keys;
    });
    expect(waited.size).toBe(ds.overlapping.length);

    // A person edits one pair's email in Siagh while it waits: the edit must win over the CRM's old value.
    const [edited] = linkedByEvent;
    const editedCode = contacts.find((c) => Number(c.tmpid) === edited)!.Code;
    w.siaghSim.store.updateContact(Number(editedCode), { Email: 'edited.during.import@example.ir' });
    const editSeen = String(Date.now());

    // The CRM's import, but for one pair (its CRM record was known to the poller already).
    for (const i of ds.crm.identities) {
      const n = numberOf(i.customerNumber);
      if (n === late) continue;
      const kind = i.identityType === 2 ? 'organization' : 'person';
      await w.emit('crm', i.crmId, {
        trigger: 'poll',
        naturalKey: String(n),
        snapshot: JSON.stringify(crmRecords.get(i.crmId)),
        checksum: crmSum(crmRecords.get(i.crmId)!, kind),
        attributes: { bulk: 'sweep', readStartedAt: String(Date.now()), kind },
      });
    }
    const outcome = (n: number, status: string) =>
      w.outcomes.find((o) => o.canonicalKey === `customer:${n}` && o.status === status);
    await w.waitFor('the pairs with a CRM event linked', () =>
      linkedByEvent.every((n) => outcome(n, 'linked')),
    );
    const lateLinked = await w.waitFor('the last pair linked', () => outcome(late!, 'linked'), 60_000);
    // Not before its deadline: nothing but the deadline could link it.
    expect(lateLinked.occurredAt - outcome(late!, 'waiting')!.occurredAt).toBeGreaterThanOrEqual(
      WAIT_MS - 50,
    );

    expect(detailReads(eventIds) - before.events).toBe(0);

    // The Siagh poller's next sweep sees the edit (after the CRM import's events, as in a real import).
    const [current] = await w.siagh.findContacts({ Code: Number(editedCode) });
    await w.emit('siagh', String(editedCode), {
      trigger: 'poll',
      naturalKey: String(edited),
      snapshot: JSON.stringify(current),
      checksum: siaghSum(current as unknown as Record<string, unknown>),
      attributes: { readStartedAt: editSeen, changedFields: 'email', changedAfter: sweepRead },
    });
    const crmIdOfEdited = crmIdOf.get(edited!)!;
    await w.waitFor('the Siagh edit synced', () =>
      w.outcomes.some((o) => o.canonicalKey === `customer:${edited}` && o.status === 'synced'),
    );
    expect((await w.crm.getIdentity(crmIdOfEdited))?.record.email).toBe('edited.during.import@example.ir');
    expect(detailReads(lateId) - before.late).toBeGreaterThanOrEqual(1);
    const expected = ds.crm.identities.length + ds.siagh.contacts.length - ds.overlapping.length;
    await w.waitFor(
      'every customer on both sides',
      () =>
        w.crmSim.store.dump().identities.length === expected && w.siaghSim.store.contacts.size === expected,
    );
    expect(w.deadLetters).toEqual([]);
  });
});

type Dataset = ReturnType<typeof generateDataset>;

/** The CRM's import events (the poller's first sweep), each with the record it read. */
async function emitCrmImport(w: World, ds: Dataset): Promise<void> {
  for (const i of ds.crm.identities) {
    const kind = i.identityType === 2 ? 'organization' : 'person';
    const raw =
      kind === 'organization' ? await w.crm.getOrganization(i.crmId) : await w.crm.getPerson(i.crmId);
    await w.emit('crm', i.crmId, {
      trigger: 'poll',
      naturalKey: String(Number(i.customerNumber?.replace('100-', ''))),
      snapshot: JSON.stringify(raw),
      checksum: crmSum(raw, kind),
      attributes: { bulk: 'sweep', readStartedAt: String(Date.now()), kind },
    });
  }
}

/** Siagh's import events, with what its sweep (begun at `sweepRead`) read. */
async function emitSiaghImport(w: World, contacts: SiaghContact[], sweepRead: string): Promise<void> {
  for (const c of contacts)
    await w.emit('siagh', String(c.Code), {
      trigger: 'poll',
      naturalKey: String(c.tmpid),
      snapshot: JSON.stringify(c),
      checksum: siaghSum(c),
      attributes: { bulk: 'sweep', readStartedAt: sweepRead },
    });
}

/** The CRM identity's email once it is `want` (or the last seen after 45 s). */
async function crmEmailOnceIs(w: World, crmId: string, want: string): Promise<unknown> {
  let email: unknown;
  for (const end = Date.now() + 45_000; Date.now() < end; await new Promise((r) => setTimeout(r, 250))) {
    email = (await w.crm.getIdentity(crmId))?.record.email;
    if (email === want) break;
  }
  return email;
}

// The other order, seen in a 10,000-a-side import: Siagh's import events queue behind thousands of
// others, so a pair's CRM import event reaches the syncer first. Linked then on today's Siagh record, a
// Siagh edit made after Siagh's first sweep had no time to show against the CRM's modification time, the
// tie went to the CRM, and the edit was overwritten in Siagh before any poll saw it.
describe('CRM import events wait for their Siagh counterpart when its import event has not come', () => {
  let w: World;
  afterAll(async () => {
    await w?.close();
  });

  it('a Siagh edit made after the Siagh sweep survives a CRM import event that arrives first', async () => {
    const ds = generateDataset({ seed: 22, customers: 12, overlap: 0.5, divergentRate: 0 });
    w = await createWorld('await-siagh', {
      crm: { data: { identities: ds.crm.identities } },
      siagh: { data: { contacts: ds.siagh.contacts } },
      env: { SYNCER_COUNTERPART_WAIT_MS: String(60_000) },
    });
    const numberOf = (customerNumber: string | null | undefined) =>
      Number(customerNumber?.replace('100-', ''));
    const crmIdOf = new Map(ds.crm.identities.map((i) => [numberOf(i.customerNumber), i.crmId]));
    // Siagh's first sweep reads every contact; its events are committed but not yet consumed.
    const sweepRead = String(Date.now());
    const contacts = await w.siagh.getAllContacts();
    const [edited] = ds.overlapping;
    const editedCode = contacts.find((c) => Number(c.tmpid) === edited)!.Code;
    // A person edits the pair's email in Siagh after that sweep.
    w.siaghSim.store.updateContact(Number(editedCode), { Email: 'edited.after.sweep@example.ir' });
    const editSeen = String(Date.now());

    // The CRM's import reaches the syncer first.
    await emitCrmImport(w, ds);
    await w.waitFor('the CRM import events handled', () =>
      ds.overlapping.every((n) => w.outcomes.some((o) => o.canonicalKey === `customer:${n}`)),
    );
    // Then Siagh's import events, with what the sweep read (before the edit).
    await emitSiaghImport(w, contacts, sweepRead);
    // Both import events of every pair handled (the CRM one, waiting or not, and Siagh's).
    await w.waitFor('both import events of every pair handled', () =>
      ds.overlapping.every(
        (n) =>
          w.outcomes.filter((o) => o.canonicalKey === `customer:${n}` && o.status !== 'waiting').length >= 2,
      ),
    );
    // The edit is still in Siagh: nothing wrote the CRM's old value over it.
    const [current] = await w.siagh.findContacts({ Code: Number(editedCode) });
    expect(current?.Email).toBe('edited.after.sweep@example.ir');

    // The Siagh poller's next sweep sees the edit; it reaches the CRM.
    await w.emit('siagh', String(editedCode), {
      trigger: 'poll',
      naturalKey: String(edited),
      snapshot: JSON.stringify(current),
      checksum: siaghSum(current as unknown as Record<string, unknown>),
      attributes: { readStartedAt: editSeen, changedFields: 'email', changedAfter: sweepRead },
    });
    const email = await crmEmailOnceIs(w, crmIdOf.get(edited!)!, 'edited.after.sweep@example.ir');
    expect(email).toBe('edited.after.sweep@example.ir');
    expect(w.deadLetters).toEqual([]);
  });
});

// The same, but the Siagh poller sees the edit (a live event) before Siagh's import event reaches the
// syncer: that event ends the CRM event's wait and links the pair first, on the poller's evidence.
describe('a live Siagh event ends a waiting CRM import event by linking the pair first', () => {
  let w: World;
  afterAll(async () => {
    await w?.close();
  });

  it('the Siagh edit reaches the CRM and is never overwritten, before or after the Siagh import events', async () => {
    const ds = generateDataset({ seed: 23, customers: 12, overlap: 0.5, divergentRate: 0 });
    w = await createWorld('await-live', {
      crm: { data: { identities: ds.crm.identities } },
      siagh: { data: { contacts: ds.siagh.contacts } },
      env: { SYNCER_COUNTERPART_WAIT_MS: String(60_000) },
    });
    const numberOf = (customerNumber: string | null | undefined) =>
      Number(customerNumber?.replace('100-', ''));
    const crmIdOf = new Map(ds.crm.identities.map((i) => [numberOf(i.customerNumber), i.crmId]));
    const sweepRead = String(Date.now());
    const contacts = await w.siagh.getAllContacts();
    const [edited] = ds.overlapping;
    const editedCode = contacts.find((c) => Number(c.tmpid) === edited)!.Code;
    w.siaghSim.store.updateContact(Number(editedCode), { Email: 'seen.live@example.ir' });
    const editSeen = String(Date.now());

    await emitCrmImport(w, ds);
    await w.waitFor('the edited pair waiting', () =>
      w.outcomes.some((o) => o.canonicalKey === `customer:${edited}` && o.status === 'waiting'),
    );
    // The poller's next sweep sees the edit before Siagh's import events are consumed.
    const [current] = await w.siagh.findContacts({ Code: Number(editedCode) });
    await w.emit('siagh', String(editedCode), {
      trigger: 'poll',
      naturalKey: String(edited),
      snapshot: JSON.stringify(current),
      checksum: siaghSum(current as unknown as Record<string, unknown>),
      attributes: { readStartedAt: editSeen, changedFields: 'email', changedAfter: sweepRead },
    });
    const email = await crmEmailOnceIs(w, crmIdOf.get(edited!)!, 'seen.live@example.ir');
    expect(email).toBe('seen.live@example.ir');

    // Siagh's import events, late, with the sweep's (older) snapshot: nothing goes back.
    await emitSiaghImport(w, contacts, sweepRead);
    await w.waitFor('both import events of every pair handled', () =>
      ds.overlapping.every(
        (n) =>
          w.outcomes.filter((o) => o.canonicalKey === `customer:${n}` && o.status !== 'waiting').length >= 2,
      ),
    );
    const [after] = await w.siagh.findContacts({ Code: Number(editedCode) });
    expect(after?.Email).toBe('seen.live@example.ir');
    expect((await w.crm.getIdentity(crmIdOf.get(edited!)!))?.record.email).toBe('seen.live@example.ir');
    expect(w.deadLetters).toEqual([]);
  });
});
