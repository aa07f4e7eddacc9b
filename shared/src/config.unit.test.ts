import { z } from 'zod';
import { ConfigError, envBoolean, envBrokers, envPort, parseEnv } from './config';

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
