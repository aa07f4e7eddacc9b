import path from 'node:path';
import { createKafka, logLevel } from '@siaghsync/shared/kafka/index';
import { createLogger } from '@siaghsync/shared/logger';
import { loadSyncConfig, type SyncConfig } from '@siaghsync/shared/mapping/syncConfig';
import { ConfigError } from '@siaghsync/shared/config';
import { requireEnv } from '../../../test/harness/names';
import { announceMapping } from '../../poller/src/mappingNotice';
import type { Syncer } from '../src/service';
import { createWorld, TEST_OPERATOR_EVENT_KEY, type World } from './harness';

// #21 item 2: a poller that reads the mapping differently from the syncer (another SYNC_CONFIG_PATH,
// another file on its host). The poller announces its reading at start-up (the real announceMapping);
// a running syncer holds every write while they differ and resumes when they agree; a syncer starting
// while they differ waits SYNCER_MAPPING_WAIT_MS for agreement, then refuses to start (exit 78).

jest.setTimeout(180_000);

const config = loadSyncConfig(path.resolve(__dirname, '../../../config/sync.default.yaml'));
// The poller's file maps the mobile to another Siagh field: it would see other numbers than the syncer.
const other: SyncConfig = {
  ...config,
  fields: { ...config.fields, mobile: { ...config.fields.mobile, siagh: 'telno' } },
};

describe('the mapping check between the poller and the syncer', () => {
  let w: World | undefined;
  const kafka = createKafka({
    brokers: requireEnv('KAFKA_BROKERS').split(','),
    clientId: 'mapping-check-test',
    logger: createLogger({ service: 'test', level: 'silent' }),
    level: logLevel.NOTHING,
  });
  afterAll(async () => {
    await w?.close();
  });

  it('holds the writes while the readings differ, refuses a start, and lets the writes go when they agree', async () => {
    w = await createWorld('mapcheck', { env: { SYNCER_MAPPING_WAIT_MS: '2000' } });
    const world = w;
    let syncer: Syncer = world.syncer;
    const contact = () => [...world.siaghSim.store.contacts.values()].find((c) => String(c.tmpid) === '9601');
    const crmId = await world.crm.create('person', {
      firstName: 'نگاشت',
      lastName: 'آزمون',
      nickName: 'نگاشت',
      customerNumber: '100-9601',
      email: 'm0@example.com',
      phoneContacts: [{ default: true, phoneType: 'Mobile', phoneNumber: '09129601000' }],
    });
    await world.emit('crm', crmId);
    await world.waitFor('created in Siagh', () => contact());

    await announceMapping(kafka, world.prefix, other, '/srv/other-sync.yaml', TEST_OPERATOR_EVENT_KEY);
    const held = await world.waitFor('writes held', () => syncer.pauses().find((p) => p.scope === 'all'));
    expect(held.by).toBe('siaghsync mapping check');
    expect(held.reason).toContain('/srv/other-sync.yaml');
    expect(held.reason).toContain('mobile: siagh');

    world.crmSim.store.update(crmId, undefined, { email: 'm1@example.com' });
    await world.emit('crm', crmId);
    const waiting = await world.waitFor('the edit waits', () =>
      world.outcomes.find(
        (o) => o.canonicalKey === 'customer:9601' && o.status === 'waiting' && o.error?.code === 'PAUSED',
      ),
    );
    expect(waiting.error?.message).toContain('reads the mapping differently');

    // A syncer started while the poller reads differently waits SYNCER_MAPPING_WAIT_MS, then refuses.
    await syncer.stop();
    const refused = await world.startSyncer('mapcheck-2').then(
      () => null,
      (err: unknown) => err,
    );
    expect(refused).toBeInstanceOf(ConfigError);
    expect((refused as Error).message).toMatch(
      /SYNC_CONFIG_PATH: the poller .*\/srv\/other-sync.yaml.*mobile: siagh/s,
    );
    expect(contact()!.Email).toBe('m0@example.com');

    // The poller restarted with the syncer's mapping: the syncer starts and the waiting edit goes through.
    await announceMapping(kafka, world.prefix, config, null, TEST_OPERATOR_EVENT_KEY);
    syncer = await world.startSyncer('mapcheck-3');
    expect(syncer.pauses()).toEqual([]);
    await world.waitFor('edit synced', () => contact()!.Email === 'm1@example.com', 60_000);
    expect(world.deadLetters).toEqual([]);
  });
});
