import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { requireEnv } from '../../test/harness/names';
import { sampleChange } from '../../test/fixtures/events';
import type { ChangeEvent } from './events';
import { z } from 'zod';
import { infraEnv, parseEnv } from './config';
import { registryAuthOf } from './kafka/connection';
import { EventCodec } from './registry';
import { forwardTo } from '../../test/harness/forward';

// A registry behind basic auth (SCHEMA_REGISTRY_USERNAME / _PASSWORD): the local registry runs without
// it, so a proxy in front of it asks every request for the credentials, as a secured registry does, and
// passes the rest through. Both the client library's calls (register, fetch by id) and our own plain
// fetches must carry them.

const USER = 'siaghsync';
const PASSWORD = 'registry-password-0123456789';

async function basicAuthRegistry(upstream: string) {
  const target = new URL(upstream);
  const expected = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`;
  let refused = 0;
  let passed = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.headers.authorization !== expected) {
        refused++;
        res.writeHead(401, {
          'Content-Type': 'application/json',
          'WWW-Authenticate': 'Basic realm="registry"',
        });
        return void res.end(JSON.stringify({ error_code: 401, message: 'Unauthorized' }));
      }
      passed++;
      const body = chunks.length > 0 ? Buffer.concat(chunks) : undefined;
      forwardTo(target.origin, req, res, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}${target.pathname}`,
    counts: () => ({ refused, passed }),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('a schema registry behind basic auth', () => {
  let registry: Awaited<ReturnType<typeof basicAuthRegistry>>;
  beforeAll(async () => {
    registry = await basicAuthRegistry(requireEnv('SCHEMA_REGISTRY_URL'));
  });
  afterAll(async () => {
    await registry?.close();
  });

  it('with the credentials from the environment: registers, and a fresh client decodes by id', async () => {
    // Read as every service reads them (validated with the other infrastructure variables).
    const env = parseEnv(
      z.object(infraEnv),
      { ...process.env, SCHEMA_REGISTRY_USERNAME: USER, SCHEMA_REGISTRY_PASSWORD: PASSWORD },
      'test',
    );
    const auth = registryAuthOf(env);
    const codec = new EventCodec(registry.url, auth);
    await codec.registerAll(['ChangeEvent']);
    const change = sampleChange({ snapshot: '{"Code":1}' });
    const bytes = await codec.encode('ChangeEvent', change);
    // Another service: nothing cached, the schema is fetched by its id through the secured registry.
    expect(await new EventCodec(registry.url, auth).decode<ChangeEvent>(bytes)).toEqual(change);
    expect(registry.counts().refused).toBe(0);
    expect(registry.counts().passed).toBeGreaterThan(1);
  });

  it('without them: refused, and the error says so', async () => {
    const before = registry.counts().refused;
    await expect(new EventCodec(registry.url).registerAll(['ChangeEvent'])).rejects.toThrow(
      /401|Unauthorized/i,
    );
    expect(registry.counts().refused).toBeGreaterThan(before);
  });
});
