// Contract tests of the CRM adapter against the CRM simulator over real HTTP (no Kafka needed).

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { startCrmSimulator, type CrmSimulator } from '../../../simulators/crm/server';
import { SyncError } from '../errors';
import { canonicalToCrm, crmToCanonical } from '../mapping/crm';
import { emptyCustomer } from '../mapping/canonical';
import { loadSyncConfig } from '../mapping/syncConfig';
import { CrmClient } from './client';
import { loadCrmConfig } from './config';

const config = loadSyncConfig(join(__dirname, '../../../config/sync.default.yaml'));
const FAST_RETRY = { retry: { initialDelayMs: 5, maxDelayMs: 50 } };

async function caught(p: Promise<unknown>): Promise<SyncError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof SyncError) return e;
    throw e;
  }
  throw new Error('expected a SyncError');
}

describe('CrmClient against the CRM simulator', () => {
  let sim: CrmSimulator;
  let crm: CrmClient;
  const calls = (path: string) => sim.recorder.list({ path: `/api/v2/${path}` });

  beforeAll(async () => {
    sim = await startCrmSimulator({ dataset: { seed: 7, customers: 23, organizationRate: 0.3 } });
  });
  afterAll(async () => {
    await sim.close();
  });
  beforeEach(() => {
    crm = new CrmClient(
      loadCrmConfig({
        CRM_BASE_URL: sim.url,
        CRM_USERNAME: 'admin',
        CRM_PASSWORD: 'admin',
        CRM_RATE_LIMIT_PER_SECOND: '1000',
      }),
      { http: FAST_RETRY },
    );
    sim.faults.set({});
    sim.recorder.reset();
  });
  afterEach(async () => {
    await crm.close();
  });

  it('reads the config from the environment and lists every bad variable', () => {
    expect(() => loadCrmConfig({ CRM_BASE_URL: 'not a url' })).toThrow(
      /CRM_BASE_URL[\s\S]*CRM_USERNAME[\s\S]*CRM_PASSWORD/,
    );
  });

  it('logs in once for many concurrent calls (single flight)', async () => {
    const pages = await Promise.all(
      Array.from({ length: 12 }, () => crm.listIdentities({ pageNumber: 0, pageSize: 5 })),
    );
    expect(pages.every((p) => p.length === 5)).toBe(true);
    expect(calls('auth/login')).toHaveLength(1);
    const listCalls = calls('crmobject/identity/getIdentitiesSimple');
    expect(listCalls).toHaveLength(12);
    expect(listCalls.every((c) => c.status === 200)).toBe(true);
  });

  it('pages through every identity (0-based, a short page is the last)', async () => {
    const all = await crm.listAllIdentities({ pageSize: 5 });
    expect(all).toHaveLength(sim.store.dump().identities.length);
    expect(new Set(all.map((i) => i.identityId)).size).toBe(all.length);
    expect(
      calls('crmobject/identity/getIdentitiesSimple').map(
        (c) => (c.body as { pageNumber: number }).pageNumber,
      ),
    ).toEqual([0, 1, 2, 3, 4]);
  });

  it('creates, reads, updates and deletes a person through the mapping', async () => {
    const c = {
      ...emptyCustomer('person'),
      customerNumber: 90001,
      name: 'علي رضايي',
      firstName: 'علی',
      lastName: 'رضایی',
      mobile: '+989121110001',
      email: 'Ali@X.ir',
    };
    const id = await crm.createPerson(canonicalToCrm(c, config));
    const got = await crm.getIdentity(id);
    expect(got?.kind).toBe('person');
    const read = crmToCanonical(got!.record, 'person', config);
    expect(read).toMatchObject({
      customerNumber: 90001,
      name: 'علی رضایی',
      mobile: '09121110001',
      email: 'ali@x.ir',
    });

    await crm.updatePerson(id, canonicalToCrm({ ...read, email: 'new@x.ir' }, config, got!.record));
    expect(crmToCanonical(await crm.getPerson(id), 'person', config).email).toBe('new@x.ir');

    expect(await crm.deletePerson(id)).toBe(true);
    expect(await crm.deletePerson(id)).toBe(false);
    expect(await crm.getIdentity(id)).toBeUndefined();
  });

  it('finds an organization whose type is unknown', async () => {
    const org = sim.store.dump().identities.find((i) => i.identityType === 2)!;
    const got = await crm.getIdentity(org.crmId);
    expect(got?.kind).toBe('organization');
    expect(got?.record.crmId).toBe(org.crmId);
  });

  it('duplicate customer number is a permanent typed error with the CRM message', async () => {
    const taken = sim.store.dump().identities.find((i) => i.customerNumber)!.customerNumber!;
    const e = await caught(crm.createPerson({ nickName: 'تکراری', customerNumber: taken }));
    expect([e.kind, e.code]).toEqual(['permanent', 'CRM_DUPLICATE_CUSTOMER_NUMBER']);
    expect(e.sourceMessage).toContain('تکراری');
  });

  it('an expired token is renewed transparently and the call retried once', async () => {
    await crm.listIdentities({ pageSize: 1 });
    sim.tokens.expireAll();
    const page = await crm.listIdentities({ pageSize: 1 });
    expect(page).toHaveLength(1);
    expect(calls('auth/login')).toHaveLength(2);
    expect(calls('crmobject/identity/getIdentitiesSimple').map((c) => c.status)).toEqual([200, 401, 200]);
  });

  it.each(['seconds', 'http-date'] as const)(
    'waits out a 429 Retry-After (%s) before calling again',
    async (format) => {
      await crm.listIdentities({ pageSize: 1 }); // log in first
      sim.faults.set({
        paths: ['/api/v2/crmobject/person/get'],
        script: [{ kind: 'rateLimit', retryAfterSeconds: 1, retryAfterFormat: format }],
      });
      const person = sim.store.dump().identities.find((i) => i.identityType === 1)!;
      await expect(crm.getPerson(person.crmId)).resolves.toMatchObject({ crmId: person.crmId });
      const [limited, retried] = calls('crmobject/person/get');
      expect(limited?.status).toBe(429);
      expect(retried?.status).toBe(200);
      expect(retried!.timeMs - limited!.timeMs).toBeGreaterThanOrEqual(1000);
    },
  );

  it('retries 5xx on reads', async () => {
    sim.faults.set({
      paths: ['/api/v2/crmobject/identity'],
      script: [
        { kind: 'status', status: 503 },
        { kind: 'status', status: 500 },
      ],
    });
    await expect(crm.listIdentities({ pageSize: 2 })).resolves.toHaveLength(2);
    expect(calls('crmobject/identity/getIdentitiesSimple').map((c) => c.status)).toEqual([503, 500, 200]);
  });

  it('gives up with a transient typed error when 5xx persists', async () => {
    sim.faults.set({ paths: ['/api/v2/crmobject/identity'], errorRate: 1, errorStatuses: [502] });
    const e = await caught(crm.listIdentities());
    expect([e.kind, e.code]).toEqual(['transient', 'CRM_SERVER_ERROR']);
    expect(calls('crmobject/identity/getIdentitiesSimple')).toHaveLength(4);
  });

  it('never re-sends a create after an ambiguous failure, but does after a 429', async () => {
    await crm.listIdentities({ pageSize: 1 });
    const before = sim.store.dump().identities.length;
    sim.faults.set({ paths: ['/api/v2/crmobject/person/create'], script: [{ kind: 'status', status: 502 }] });
    const e = await caught(crm.createPerson({ nickName: 'یک بار', customerNumber: '100-90002' }));
    expect(e.code).toBe('CRM_SERVER_ERROR');
    expect(calls('crmobject/person/create')).toHaveLength(1);

    sim.recorder.reset();
    sim.faults.set({
      paths: ['/api/v2/crmobject/person/create'],
      script: [{ kind: 'rateLimit', retryAfterSeconds: 0 }],
    });
    await crm.createPerson({ nickName: 'یک بار', customerNumber: '100-90003' });
    expect(calls('crmobject/person/create').map((c) => c.status)).toEqual([429, 200]);
    expect(sim.store.dump().identities.length).toBe(before + 1);
  });

  it('a write built from a read is sent once: not after a 5xx, nor late behind a 429', async () => {
    const person = sim.store.dump().identities.find((i) => i.identityType === 1)!;
    const current = await crm.getPerson(person.crmId);
    sim.recorder.reset();
    sim.faults.set({ paths: ['/api/v2/crmobject/person/update'], script: [{ kind: 'status', status: 503 }] });
    const e = await caught(
      crm.readThenWrite(() => crm.update('person', person.crmId, { ...current }, { once: true })),
    );
    expect([e.kind, e.code]).toEqual(['transient', 'CRM_SERVER_ERROR']);
    expect(calls('crmobject/person/update')).toHaveLength(1);

    // Another call's 429 holds the client back for 2 s: the write fails at once instead of going out then.
    sim.recorder.reset();
    sim.faults.set({
      paths: ['/api/v2/crmobject/identity'],
      script: [{ kind: 'rateLimit', retryAfterSeconds: 2 }],
    });
    const listed = crm.listIdentities({ pageSize: 1 });
    await new Promise((r) => setTimeout(r, 200));
    const late = await caught(crm.update('person', person.crmId, { ...current }, { once: true }));
    expect(late.kind).toBe('rate-limited');
    expect(late.retryAfterMs).toBeGreaterThan(1000);
    expect(calls('crmobject/person/update')).toHaveLength(0);
    await expect(listed).resolves.toHaveLength(1);
  });

  it('reads a quote and writes the Siagh document number back', async () => {
    const person = sim.store.dump().identities.find((i) => i.identityType === 1)!;
    const created = sim.store.quotes.create(
      {
        identityId: person.crmId,
        crmObjectTypeCode: 'PI_5',
        subject: 'پیش فاکتور',
        details: [
          {
            productCode: 'K-1',
            productId: null,
            productName: 'کالا',
            productUnitTypeName: 'عدد',
            count: 2,
            baseUnitPrice: 1000,
          },
        ],
      },
      false,
    );
    if (!created.ok) throw new Error(created.message);
    const quote = await crm.getQuote(created.value.crmId);
    expect(quote).toMatchObject({ crmObjectTypeCode: 'PI_5', identityId: person.crmId });
    expect(quote.details[0]).toMatchObject({ productCode: 'K-1', count: 2, baseUnitPrice: 1000 });
    await crm.updateQuote(quote.crmId, {
      extendedProperties: [{ userKey: 'SiaghDocumentNumber', value: '42' }],
    });
    expect(sim.store.quotes.get(quote.crmId)?.extendedProperties).toContainEqual({
      userKey: 'SiaghDocumentNumber',
      value: '42',
    });
  });
});

describe('CrmClient against a CRM that answers nonsense', () => {
  let server: Server;
  let url: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      if (req.url === '/api/v2/auth/login') res.end(JSON.stringify({ accessToken: 't', expiresAt: null }));
      else if (req.url === '/api/v2/crmobject/person/get')
        res.end(JSON.stringify({ crmId: 5, nickName: ['x'] }));
      else res.end('<html>not json</html>');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
  });

  it('an unexpected shape is a permanent CRM_BAD_RESPONSE naming the path', async () => {
    const crm = new CrmClient({
      baseUrl: url,
      username: 'u',
      password: 'p',
      rateLimitPerSecond: 100,
      timeoutMs: 5000,
    });
    try {
      const e = await caught(crm.getPerson('x'));
      expect([e.kind, e.code]).toEqual(['permanent', 'CRM_BAD_RESPONSE']);
      expect(e.details?.issues).toEqual(
        expect.arrayContaining([expect.stringMatching(/^crmId: /), expect.stringMatching(/^nickName: /)]),
      );
      const list = await caught(crm.listIdentities());
      expect(list.code).toBe('CRM_BAD_RESPONSE');
    } finally {
      await crm.close();
    }
  });
});
