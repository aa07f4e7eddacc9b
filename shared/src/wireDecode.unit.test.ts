import { SyncError } from './errors';
import { decodeWire, registryFailure, wireHeader, type SchemaSource } from './wireDecode';

const framed = (schemaId: number, payload: Buffer) => {
  const head = Buffer.alloc(5);
  head.writeInt32BE(schemaId, 1);
  return Buffer.concat([head, payload]);
};

/** A registry knowing schema 7 (decodes the payload as UTF-8 JSON), failing otherwise as told. */
const registry = (fail?: Error): SchemaSource => ({
  getSchema(id) {
    if (fail !== undefined) return Promise.reject(fail);
    if (id !== 7) return Promise.reject(Object.assign(new Error(`Schema ${id} not found.`), { status: 404 }));
    return Promise.resolve({ fromBuffer: (b: Buffer) => JSON.parse(b.toString('utf8')) as unknown });
  },
});

async function failure(p: Promise<unknown>): Promise<SyncError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(SyncError);
    return err as SyncError;
  }
  throw new Error('decoded');
}

describe('wireHeader', () => {
  it('reads the schema id and payload of a framed record', () => {
    const { schemaId, payload } = wireHeader(framed(258, Buffer.from('xy')));
    expect(schemaId).toBe(258);
    expect(payload.toString()).toBe('xy');
  });
});

describe('decodeWire: whose fault a decode failure is', () => {
  it('decodes a good record', async () => {
    await expect(decodeWire(registry(), framed(7, Buffer.from('{"a":1}')))).resolves.toEqual({ a: 1 });
  });

  it.each([
    ['a record shorter than the header', Buffer.from([0, 1])],
    ['a wrong magic byte (plain text)', Buffer.from('hello world')],
    ['an empty record', Buffer.alloc(0)],
  ])('%s is permanent NOT_WIRE_FORMAT', async (_, buffer) => {
    const err = await failure(decodeWire(registry(), buffer));
    expect(err.kind).toBe('permanent');
    expect(err.code).toBe('NOT_WIRE_FORMAT');
  });

  it('a payload that does not decode with its (found) schema is permanent', async () => {
    const err = await failure(decodeWire(registry(), framed(7, Buffer.from('{not json'))));
    expect(err.kind).toBe('permanent');
    expect(err.code).toBe('PAYLOAD_SCHEMA_MISMATCH');
  });

  it('a record our check refuses is permanent INVALID_EVENT', async () => {
    const check = (v: unknown) => {
      if ((v as { a?: unknown }).a !== 2) throw new Error('a must be 2');
      return v;
    };
    const err = await failure(decodeWire(registry(), framed(7, Buffer.from('{"a":1}')), check));
    expect(err.kind).toBe('permanent');
    expect(err.code).toBe('INVALID_EVENT');
    expect(err.message).toMatch(/a must be 2/);
  });

  it('a schema id the registry does not know yet is transient: retried, never skipped', async () => {
    const err = await failure(decodeWire(registry(), framed(8, Buffer.from('{}'))));
    expect(err.kind).toBe('transient');
    expect(err.code).toBe('SCHEMA_NOT_FOUND_YET');
    expect(err.details).toMatchObject({ schemaId: 8, status: 404 });
  });

  it('an unreachable registry (the client reports it as HTTP 400) and a 5xx are transient', async () => {
    const refused = Object.assign(new Error('Error, status 400: connect ECONNREFUSED'), { status: 400 });
    expect((await failure(decodeWire(registry(refused), framed(7, Buffer.from('{}'))))).kind).toBe(
      'transient',
    );
    const busy = Object.assign(new Error('Error, status 503'), { status: 503 });
    const err = await failure(decodeWire(registry(busy), framed(7, Buffer.from('{}'))));
    expect(err.kind).toBe('transient');
    expect(err.code).toBe('SCHEMA_REGISTRY_UNAVAILABLE');
    expect(err.retriable).toBe(true);
  });

  it('refused credentials are auth (retried, and a person is needed)', () => {
    const err = registryFailure(Object.assign(new Error('Unauthorized'), { status: 401 }), 7);
    expect(err.kind).toBe('auth');
    expect(err.retriable).toBe(true);
  });
});
