import path from 'node:path';
import {
  decodeMappingNotice,
  encodeMappingNotice,
  mappingReading,
  readingDifferences,
  type MappingNotice,
} from './reading';
import { loadSyncConfig, type SyncConfig } from './syncConfig';

const config = loadSyncConfig(path.resolve(__dirname, '../../../config/sync.default.yaml'));
const withEmail = (crm: string | null, siagh: string | null): SyncConfig => ({
  ...config,
  fields: { ...config.fields, email: { ...config.fields.email, crm, siagh } },
});

describe('mapping reading: what the poller and the syncer must agree on', () => {
  it('agrees with itself, and whatever the policies say', () => {
    const lww = mappingReading(config);
    const manual = mappingReading({
      ...config,
      fields: { ...config.fields, email: { ...config.fields.email, policy: { kind: 'manual' } } },
    });
    expect(readingDifferences(lww, manual)).toEqual([]);
  });

  it('names each field read from another place, on each side', () => {
    const mine = mappingReading(config);
    const theirs = mappingReading(withEmail('emails[0]', null));
    const d = readingDifferences(mine, theirs);
    expect(d).toEqual([
      `email: crm ${config.fields.email.crm} here, emails[0] there`,
      `email: siagh ${config.fields.email.siagh} here, nothing there`,
    ]);
  });

  it('a field one side does not know (another release) is a difference', () => {
    const mine = mappingReading(config);
    const { email: _dropped, ...older } = mine;
    expect(readingDifferences(mine, older)).toEqual(['email: not mapped there']);
    expect(readingDifferences(older, mine)).toEqual(['email: not mapped here']);
  });

  it('a notice survives the topic; anything else decodes to null', () => {
    const n: MappingNotice = {
      service: 'poller',
      instance: 'host:1',
      source: null,
      reading: mappingReading(config),
      at: 5,
    };
    expect(decodeMappingNotice(encodeMappingNotice(n))).toEqual(n);
    expect(decodeMappingNotice(null)).toBeNull();
    expect(decodeMappingNotice(Buffer.from('{"scope":"all","paused":true}'))).toBeNull();
    expect(decodeMappingNotice(Buffer.from('not json'))).toBeNull();
    expect(decodeMappingNotice(Buffer.from(JSON.stringify({ ...n, service: 'syncer' })))).toBeNull();
  });
});
