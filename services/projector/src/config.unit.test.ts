import { loadConfig } from './config';

describe('projector config', () => {
  it("prefixes the projector's group like every other group of the deployment", () => {
    expect(loadConfig({ TOPIC_PREFIX: 'acme.' }).PROJECTOR_GROUP_ID).toBe('acme.siaghsync-projector');
    expect(loadConfig({}).PROJECTOR_GROUP_ID).toBe('siaghsync-projector');
  });

  it('keeps a group named by hand (an existing deployment keeps its offsets)', () => {
    expect(
      loadConfig({ TOPIC_PREFIX: 'acme.', PROJECTOR_GROUP_ID: 'siaghsync-projector' }).PROJECTOR_GROUP_ID,
    ).toBe('siaghsync-projector');
  });

  it('refuses a group id Kafka would not take, naming the variable', () => {
    expect(() => loadConfig({ PROJECTOR_GROUP_ID: 'a b' })).toThrow(/PROJECTOR_GROUP_ID/);
  });

  it('takes the syncers to ask for freshness as a comma list, refusing what is not an http URL', () => {
    expect(loadConfig({ SYNCER_URLS: 'http://a:7202, http://b:7202' }).SYNCER_URLS).toEqual([
      'http://a:7202',
      'http://b:7202',
    ]);
    expect(loadConfig({}).SYNCER_URLS).toEqual([]);
    expect(() => loadConfig({ SYNCER_URLS: 'a:7202' })).toThrow(/SYNCER_URLS.*not an http/s);
  });
});
