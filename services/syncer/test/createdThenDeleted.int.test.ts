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

jest.setTimeout(120_000);

let w: World;
afterAll(async () => {
  await w?.close();
});

it('a record our crashed run created, then deleted by a person, is not created again', async () => {
  w = await createWorld('createdel', { start: false });
  const config = loadSyncConfig();
  const code = await w.siagh.saveContactFields([
    ['gn_web_users.fullname', 'مریم کاظمی'],
    ['gn_web_users.tmpid', '6804'],
    ['gn_web_users.towardtype', '0'],
    ['gn_web_users.mobileno', '09121116804'],
  ]);
  const work: WorkEvent = {
    canonicalKey: 'customer:6804',
    kind: 'change',
    routeReason: 'natural-key',
    routedAt: Date.now(),
    correlationId: 'corr-createdel-1',
    change: newChangeEvent({
      eventId: 'createdel-siagh-1',
      source: 'siagh',
      entityType: 'customer',
      sourceId: String(code),
      operation: 'upsert',
      naturalKey: '6804',
      observedTime: Date.now(),
      trigger: 'poll',
      correlationId: 'corr-createdel-1',
    }),
    resolution: null,
    redriveOf: null,
  };
  await w.produce('work', work.canonicalKey, 'WorkEvent', work);

  // The run that dies: it announces, creates in the CRM, announces the new id, and never commits.
  const crashed = await handleEvent(
    {
      systems: { crm: w.crm, siagh: w.siagh },
      config,
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

  // A person edits the new customer, then deletes it; the CRM's webhooks become changes.
  const current = (await w.crm.getIdentity(personId))!.record as Record<string, unknown>;
  await w.crm.update('person', personId, { ...current, email: 'maryam@example.com' });
  await w.emit('crm', personId);
  expect(await w.crm.delete('person', personId)).toBe(true);
  await w.emit('crm', personId, { operation: 'delete' });

  await w.startSyncer();
  const statuses = () => w.outcomes.filter((o) => o.canonicalKey === 'customer:6804').map((o) => o.status);
  await w.waitFor('the re-run and both CRM events', () => statuses().length >= 3);
  // Both CRM events joined the entity that created the record; none started one of its own.
  expect(w.outcomes.filter((o) => o.crmId === personId).map((o) => o.canonicalKey)).not.toContain(
    `customer:crm:${personId}`,
  );
  expect(statuses()).toContain('deleted');
  expect(statuses()).not.toContain('created');
  const hits = (await w.crm.listAllIdentities({ searchTerm: '100-6804' })).filter(
    (h) => h.customerNo === '100-6804',
  );
  expect(hits).toEqual([]);
  const contact = (await w.siagh.findContactsByCustomerNumber(6804))[0]!;
  expect(contact.IsActive).toBe(false);
});
