import { createLogger } from '@siaghsync/shared/logger';
import { loadSyncConfig } from '@siaghsync/shared/mapping/syncConfig';
import { topicName } from '@siaghsync/shared/kafka/topics';
import type { WorkEvent } from '@siaghsync/shared/events';
import { newChangeEvent } from '@siaghsync/shared/events';
import { handleEvent } from '../src/handle';
import { StateTable } from '../src/kafka/tables';
import { intentKey } from '../src/route/route';
import { createWorld, type World } from './harness';

// Convergence seed 804. A run created the CRM customer for a Siagh contact and died before its commit;
// a person then edited and deleted that CRM customer. The re-run could no longer find it by customer
// number and created a second one: the delete undone, the edit lost. Here the crashed run is the real
// handler on the real broker and simulators whose outputs are never committed (exactly what a kill -9
// between the create and the commit leaves); the syncer started afterwards must apply the delete policy
// (crm→siagh: deactivate) and create nothing.

jest.setTimeout(180_000);

let w: World;
let deletedFirst: string;
let deletedAfter: string;
beforeAll(async () => {
  w = await createWorld('createdel', { start: false });
  // Both crashed runs happen before any syncer runs, as after a kill -9: the syncer that starts
  // restores the intents they left before it takes their events.
  deletedFirst = await crashedCreate(6804);
  await editThenDelete(deletedFirst);
  deletedAfter = await crashedCreate(6805);
  await w.startSyncer();
});
afterAll(async () => {
  await w?.close();
});

/**
 * A Siagh contact's change on `work`, and the run that dies on it: it announces, creates the CRM
 * customer, announces the new id, and never commits. Returns the CRM id it created.
 */
async function crashedCreate(n: number): Promise<string> {
  const code = await w.siagh.saveContactFields([
    ['gn_web_users.fullname', `مریم کاظمی ${n}`],
    ['gn_web_users.tmpid', String(n)],
    ['gn_web_users.towardtype', '0'],
    ['gn_web_users.mobileno', `0912111${n}`],
  ]);
  const correlationId = `corr-createdel-${n}`;
  const work: WorkEvent = {
    canonicalKey: `customer:${n}`,
    kind: 'change',
    routeReason: 'natural-key',
    routedAt: Date.now(),
    correlationId,
    change: newChangeEvent({
      eventId: `createdel-siagh-${n}`,
      source: 'siagh',
      entityType: 'customer',
      sourceId: String(code),
      operation: 'upsert',
      naturalKey: String(n),
      observedTime: Date.now(),
      trigger: 'poll',
      correlationId,
    }),
    resolution: null,
    redriveOf: null,
  };
  await w.produce('work', work.canonicalKey, 'WorkEvent', work);
  const crashed = await handleEvent(
    {
      systems: { crm: w.crm, siagh: w.siagh },
      config: loadSyncConfig(),
      announce: async (intents) => {
        for (const i of intents) await w.produce('intents', intentKey(i), 'CreateIntent', i);
      },
      logger: createLogger({ service: 'crashed-run', level: 'warn' }),
      now: () => Date.now(),
      retry: { maxAttempts: 1, baseMs: 10, maxMs: 10 },
    },
    new StateTable(w.codec),
    work,
    { topic: topicName('work', w.prefix), partition: 0, offset: '0', generation: 0 },
  );
  expect(crashed[0]?.outcome?.status).toBe('created');
  const personId = crashed[0]!.intents[0]!.createdId!;
  expect(personId).toBeTruthy();
  return personId;
}

const statuses = (n: number) =>
  w.outcomes.filter((o) => o.canonicalKey === `customer:${n}`).map((o) => o.status);

async function crmHits(n: number) {
  const number = `100-${n}`;
  return (await w.crm.listAllIdentities({ searchTerm: number })).filter((h) => h.customerNo === number);
}

async function editThenDelete(personId: string): Promise<void> {
  const current = (await w.crm.getIdentity(personId))!.record as Record<string, unknown>;
  await w.crm.update('person', personId, { ...current, email: 'maryam@example.com' });
  await w.emit('crm', personId);
  expect(await w.crm.delete('person', personId)).toBe(true);
  await w.emit('crm', personId, { operation: 'delete' });
}

it('deleted by a person before the re-run: the delete policy applies, nothing is created again', async () => {
  const personId = deletedFirst;
  await w.waitFor('the re-run and both CRM events', () => statuses(6804).length >= 3);
  // Both CRM events joined the entity that created the record; none started one of its own.
  expect(w.outcomes.filter((o) => o.canonicalKey === `customer:crm:${personId}`)).toEqual([]);
  expect(statuses(6804)).toContain('deleted');
  expect(statuses(6804)).not.toContain('created');
  expect(await crmHits(6804)).toEqual([]);
  expect((await w.siagh.findContactsByCustomerNumber(6804))[0]!.IsActive).toBe(false);
});

it('deleted by a person after the re-run linked it: the link was recorded, so the delete follows', async () => {
  const personId = deletedAfter;
  await w.waitFor('the re-run', () => statuses(6805).length >= 1);
  // The audit has the create, made by the attempt that died.
  expect(statuses(6805)).toEqual(['created']);
  expect(w.outcomes.find((o) => o.canonicalKey === 'customer:6805')?.crmId).toBe(personId);

  await editThenDelete(personId);
  await w.waitFor('both CRM events', () => statuses(6805).length >= 3);
  expect(w.outcomes.filter((o) => o.canonicalKey === `customer:crm:${personId}`)).toEqual([]);
  expect(statuses(6805)).toContain('deleted');
  expect(await crmHits(6805)).toEqual([]);
  expect((await w.siagh.findContactsByCustomerNumber(6805))[0]!.IsActive).toBe(false);
});
