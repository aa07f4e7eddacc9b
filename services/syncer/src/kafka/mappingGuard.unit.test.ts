import path from 'node:path';
import { createLogger } from '@siaghsync/shared/logger';
import { loadSyncConfig } from '@siaghsync/shared/mapping/syncConfig';
import {
  encodeMappingNotice,
  MAPPING_SIGNATURE_HEADER,
  mappingKey,
  signMappingNotice,
  mappingReading,
  type MappingNotice,
} from '@siaghsync/shared/mapping/reading';
import type { KafkaMessage } from '@siaghsync/shared/kafka/client';
import { ConfigError } from '@siaghsync/shared/config';
import { MappingGuard } from './mappingGuard';

const config = loadSyncConfig(path.resolve(__dirname, '../../../../config/sync.default.yaml'));
const mine = mappingReading(config);
const logger = createLogger({ service: 'test', level: 'silent' });

const KEY = 'k'.repeat(40);

/** A notice as the poller writes it: signed with the key (or with `signedWith`, or not at all: null). */
const record = (
  n: Partial<MappingNotice>,
  key = mappingKey('poller'),
  signedWith: string | null = KEY,
): KafkaMessage => {
  const notice: MappingNotice = {
    service: 'poller',
    instance: 'p1',
    source: '/etc/sync.yaml',
    reading: mine,
    at: 1,
    ...n,
  };
  return {
    key: Buffer.from(key),
    value: encodeMappingNotice(notice),
    headers: signedWith === null ? {} : { [MAPPING_SIGNATURE_HEADER]: signMappingNotice(notice, signedWith) },
    offset: '0',
  } as unknown as KafkaMessage;
};

describe('MappingGuard: writes held while the poller reads the mapping differently', () => {
  it('holds every write while they differ, says why, and lets go (once) when they agree', () => {
    const g = new MappingGuard(mine, KEY, logger);
    let agreed = 0;
    g.onAgreed = () => agreed++;
    expect(g.pause()).toBeUndefined();
    g.apply(record({ reading: { ...mine, mobile: ['mobile', 'telno'] }, at: 2 }));
    const p = g.pause()!;
    expect(p).toMatchObject({ scope: 'all', paused: true, by: 'siaghsync mapping check' });
    expect(p.reason).toContain('the poller (p1, /etc/sync.yaml)');
    expect(p.reason).toContain('mobile: siagh');
    expect(agreed).toBe(0);
    g.apply(record({ at: 3 }));
    expect(g.pause()).toBeUndefined();
    expect(agreed).toBe(1);
    g.apply(record({ at: 4 }));
    expect(agreed).toBe(1);
  });

  it('the latest notice by offset wins, whatever its clock says; one under another key is ignored', () => {
    const g = new MappingGuard(mine, KEY, logger);
    g.apply(record({ reading: { ...mine, email: [null, null] }, at: 9e15 }));
    expect(g.pause()).toBeDefined();
    // The poller moved to a host whose clock is behind: its new notice still counts.
    g.apply(record({ at: 5 }));
    expect(g.pause()).toBeUndefined();
    g.apply(record({ reading: { ...mine, email: [null, null] }, at: 11 }, 'mapping:syncer'));
    expect(g.pause()).toBeUndefined();
  });

  it('write access to the topic alone can neither hold the writes nor hide a difference', () => {
    const g = new MappingGuard(mine, KEY, logger);
    g.apply(record({ reading: { ...mine, email: [null, null] } }, mappingKey('poller'), null));
    g.apply(record({ reading: { ...mine, email: [null, null] } }, mappingKey('poller'), 'x'.repeat(40)));
    expect(g.pause()).toBeUndefined();
    g.apply(record({ reading: { ...mine, email: [null, null] } }));
    g.apply(record({}, mappingKey('poller'), null)); // a forged "agreement"
    expect(g.pause()).toBeDefined();
    // A syncer without the key honours no notice: the check is off, nothing is held.
    const keyless = new MappingGuard(mine, undefined, logger);
    keyless.apply(record({ reading: { ...mine, email: [null, null] } }));
    expect(keyless.pause()).toBeUndefined();
  });

  it('at start-up: waits for agreement, then refuses with a configuration error naming the fields', async () => {
    const g = new MappingGuard(mine, KEY, logger);
    await expect(g.awaitAgreement(0)).resolves.toBeUndefined(); // no poller has announced anything
    g.apply(record({ reading: { ...mine, mobile: ['mobile', 'telno'] }, at: 2 }));
    const refused = g.awaitAgreement(30, 5);
    await expect(refused).rejects.toBeInstanceOf(ConfigError);
    await expect(refused).rejects.toThrow(
      /SYNC_CONFIG_PATH: the poller \(p1, \/etc\/sync.yaml\) reads the mapping differently[\s\S]*mobile: siagh/,
    );
    // The poller restarted with the same file while the syncer waited: it starts.
    const waiting = g.awaitAgreement(5_000, 5);
    setTimeout(() => g.apply(record({ at: 3 })), 20);
    await expect(waiting).resolves.toBeUndefined();
  });
});
