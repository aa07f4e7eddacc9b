import { z } from 'zod';
import { ConfigError, envBoolean, envBrokers, envPort, parseEnv, runtimeProblem } from './config';

describe('environment parsing', () => {
  const schema = z.object({
    PORT: envPort(7201),
    ENABLED: envBoolean(true),
    KAFKA_BROKERS: envBrokers('127.0.0.1:9092'),
    NAME: z.string().min(3),
  });

  it('applies defaults, and treats empty strings as unset', () => {
    const cfg = parseEnv(schema, { NAME: 'ingest', PORT: '' }, 'test');
    expect(cfg).toEqual({ PORT: 7201, ENABLED: true, KAFKA_BROKERS: ['127.0.0.1:9092'], NAME: 'ingest' });
  });

  it('parses "false" as false (z.coerce.boolean would not)', () => {
    expect(parseEnv(schema, { NAME: 'abc', ENABLED: 'false' }, 'test').ENABLED).toBe(false);
    expect(parseEnv(schema, { NAME: 'abc', ENABLED: '0' }, 'test').ENABLED).toBe(false);
    expect(parseEnv(schema, { NAME: 'abc', ENABLED: 'yes' }, 'test').ENABLED).toBe(true);
  });

  it('lists every bad variable at once, naming it', () => {
    let error: unknown;
    try {
      parseEnv(schema, { PORT: '99999', ENABLED: 'maybe', KAFKA_BROKERS: 'nohost', NAME: 'x' }, 'ingest');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const issues = (error as ConfigError).issues.map((i) => i.variable).sort();
    expect(issues).toEqual(['ENABLED', 'KAFKA_BROKERS', 'NAME', 'PORT']);
    expect((error as Error).message).toContain('invalid ingest configuration');
    expect((error as Error).message).toContain('ENABLED: expected true or false');
  });
});

describe('runtime check', () => {
  it('refuses a Node older than the pinned major, naming the version and the way out', () => {
    expect(runtimeProblem('20.20.2')).toMatch(/Node\.js 24 or later is required, this is 20\.20\.2.*npm ci/);
    expect(runtimeProblem('23.11.0')).toMatch(/this is 23\.11\.0/);
  });

  it('accepts the pinned major and later ones', () => {
    expect(runtimeProblem('24.0.0')).toBeNull();
    expect(runtimeProblem('26.1.0')).toBeNull();
  });

  it('runs on the Node that npm ci installed (this test runs through npm, so it is 24 or later)', () => {
    expect(runtimeProblem()).toBeNull();
  });
});
