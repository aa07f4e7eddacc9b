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
});
