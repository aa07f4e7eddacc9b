import { loadConfig as load } from './config';

const READ = { PROJECTOR_READ_TOKEN: 'a-read-token-of-the-projector' };
const loadConfig = (env: NodeJS.ProcessEnv) => load({ ...READ, ...env });

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

  it('never serves the read API without a token: neither token set is a config error naming PROJECTOR_READ_TOKEN', () => {
    expect(() => load({})).toThrow(/PROJECTOR_READ_TOKEN: required/);
    expect(() => load({ PROJECTOR_HOST: '127.0.0.1' })).toThrow(/PROJECTOR_READ_TOKEN/);
    // Only the operator token: reads take it.
    const opOnly = load({ OPERATOR_TOKEN: 'an-operator-token-0123' });
    expect(opOnly.PROJECTOR_READ_TOKEN).toBeUndefined();
    expect(opOnly.OPERATOR_TOKEN).toBe('an-operator-token-0123');
  });

  it('refuses short, placeholder and shared tokens, naming the variable', () => {
    expect(() => load({ PROJECTOR_READ_TOKEN: 'short' })).toThrow(/PROJECTOR_READ_TOKEN: at least 16/);
    expect(() => load({ PROJECTOR_READ_TOKEN: 'change-me-read-token' })).toThrow(
      /PROJECTOR_READ_TOKEN: a placeholder/,
    );
    expect(() => loadConfig({ OPERATOR_TOKEN: 'change-me-operator-token' })).toThrow(
      /OPERATOR_TOKEN: a placeholder/,
    );
    expect(() => load({ PROJECTOR_READ_TOKEN: 'xxxxxxxxxxxxxxxxxxxx' })).toThrow(/placeholder/);
    const same = 'the-same-token-0123456789';
    expect(() => load({ PROJECTOR_READ_TOKEN: same, OPERATOR_TOKEN: same })).toThrow(
      /PROJECTOR_READ_TOKEN: must differ from OPERATOR_TOKEN/,
    );
    expect(loadConfig({}).PROJECTOR_READ_TOKEN).toBe(READ.PROJECTOR_READ_TOKEN);
  });

  it('takes allowed hosts as a comma list and the export cap as a small number', () => {
    expect(
      loadConfig({ PROJECTOR_ALLOWED_HOSTS: 'Sync.Example.com, 10.0.0.5' }).PROJECTOR_ALLOWED_HOSTS,
    ).toEqual(['sync.example.com', '10.0.0.5']);
    expect(() => loadConfig({ PROJECTOR_ALLOWED_HOSTS: 'https://sync.example.com' })).toThrow(
      /PROJECTOR_ALLOWED_HOSTS: not a host name/,
    );
    expect(() => loadConfig({ PROJECTOR_ALLOWED_HOSTS: 'sync.example.com:7204' })).toThrow(
      /PROJECTOR_ALLOWED_HOSTS/,
    );
    expect(loadConfig({}).PROJECTOR_MAX_EXPORTS).toBe(2);
    expect(() => loadConfig({ PROJECTOR_MAX_EXPORTS: '0' })).toThrow(/PROJECTOR_MAX_EXPORTS/);
  });
});
