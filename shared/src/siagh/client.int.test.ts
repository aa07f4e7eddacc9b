// Contract tests of the Siagh adapter against the Siagh simulator over real HTTP (no Kafka needed).

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { startSiaghSimulator, type SiaghSimulator } from '../../../simulators/siagh/server';
import { SyncError } from '../errors';
import { emptyCustomer, type CanonicalCustomer } from '../mapping/canonical';
import { siaghToCanonical } from '../mapping/siagh';
import { sideChecksum } from '../mapping/sides';
import { loadSyncConfig } from '../mapping/syncConfig';
import { guardCalls } from '../http/callGuard';
import { SiaghClient } from './client';
import { loadSiaghConfig } from './config';

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

const customer = (n: number, mobile: string, extra: Partial<CanonicalCustomer> = {}): CanonicalCustomer => ({
  ...emptyCustomer('person'),
  customerNumber: n,
  name: `مشتری ${n}`,
  mobile,
  ...extra,
});

describe('SiaghClient against the Siagh simulator', () => {
  let sim: SiaghSimulator;
  let siagh: SiaghClient;
  const calls = (path: string) => sim.recorder.list({ path });
  const contactCount = () => sim.store.contacts.size;

  beforeAll(async () => {
    sim = await startSiaghSimulator({ dataset: { seed: 3, customers: 10 } });
  });
  afterAll(async () => {
    await sim.close();
  });
  beforeEach(() => {
    siagh = new SiaghClient(
      loadSiaghConfig({
        SIAGH_BASE_URL: sim.url,
        SIAGH_USERNAME: 'admin',
        SIAGH_PASSWORD: 'admin',
        SIAGH_RATE_LIMIT_PER_SECOND: '1000',
      }),
      { http: FAST_RETRY },
    );
    sim.faults.set({});
    sim.recorder.reset();
  });
  afterEach(async () => {
    await siagh.close();
  });

  it('logs in with the upper-hex MD5 password once for concurrent calls, and keeps FiscalYear and SystemDate', async () => {
    const results = await Promise.all(Array.from({ length: 8 }, () => siagh.getAllContacts()));
    expect(results.every((r) => r.length === contactCount())).toBe(true);
    const logins = calls('/GeneralApi/LoginUser');
    expect(logins).toHaveLength(1);
    expect((logins[0]?.body as { Password: string }).Password).toMatch(/^[0-9A-F]{32}$/);
    const session = await siagh.getSession();
    expect(session.fiscalYear).toBe(sim.store.fiscalYear());
    expect(session.systemDate).toBe(sim.store.systemDate());
    // The simulator's gate answers 401 to "Bearer <SessionId>": all 200s means the bare SessionId was sent.
    expect(calls('/api/Sgh/GEN/Gn_Web_Users/GetAll').map((c) => c.status)).toEqual(Array(8).fill(200));
  });

  it('creates a contact, finds it by tmpid and reads back the same canonical record', async () => {
    const c = customer(5001, '09125550001', {
      email: 'A@B.ir',
      address: 'تهران | پلاک = ۲',
      description: 'x=y',
    });
    const code = await siagh.saveContact(c, config);
    expect(code).toBeGreaterThan(0);
    const found = await siagh.findContactsByCustomerNumber(5001);
    expect(found.map((f) => f.Code)).toEqual([code]);
    const back = siaghToCanonical(found[0]!, config);
    expect(sideChecksum(back, config, 'siagh')).toBe(sideChecksum(c, config, 'siagh'));
    expect(back.address).toBe('تهران | پلاک = 2');

    await siagh.saveContact({ ...back, email: 'new@b.ir' }, config, code);
    expect(siaghToCanonical((await siagh.findContactsByCustomerNumber(5001))[0]!, config).email).toBe(
      'new@b.ir',
    );
  });

  it('a filter on a column Siagh does not know never returns everyone', async () => {
    expect(await siagh.findContacts({ NoSuchColumn: 'x' })).toEqual([]);
  });

  it('duplicate phone is a permanent typed error with the Persian message (HTTP 200, ReturnValue:false)', async () => {
    await siagh.saveContact(customer(5002, '09125550002'), config);
    const before = contactCount();
    const e = await caught(siagh.saveContact(customer(5003, '09125550002'), config));
    expect([e.kind, e.code]).toEqual(['permanent', 'SIAGH_DUPLICATE_PHONE']);
    expect(e.sourceMessage).toBe('شماره تلفن نمی تواند تکراری باشد.');
    expect(contactCount()).toBe(before);
    const save = calls('/BpmsApi/SaveFormData').at(-1);
    expect(save?.status).toBe(200);
  });

  it('ReturnValue:false is never success, whatever the reason', async () => {
    const e = await caught(siagh.saveContactFields([['gn_web_users.mobileno', '09125550009']]));
    expect([e.kind, e.code]).toEqual(['permanent', 'SIAGH_FORM_REFUSED']);
    expect(e.sourceMessage).toContain('نام');
    const missing = await caught(siagh.saveContact(customer(5004, '09125550004'), config, 999_999));
    expect(missing.code).toBe('SIAGH_NOT_FOUND');
  });

  it('refuses a value the form cannot carry before sending anything', async () => {
    const e = await caught(
      siagh.saveContactFields([
        ['gn_web_users.fullname', 'x'],
        ['gn_web_users.mobileno', '0912|gn_web_users.isactive=0'],
      ]),
    );
    expect([e.kind, e.code, e.details]).toEqual([
      'permanent',
      'SIAGH_UNSAFE_VALUE',
      { field: 'gn_web_users.mobileno' },
    ]);
    expect(calls('/BpmsApi/SaveFormData')).toHaveLength(0);
  });

  it('an expired session is renewed transparently and the call retried once', async () => {
    await siagh.getAllContacts();
    sim.sessions.expireAll();
    await expect(siagh.getAllContacts()).resolves.toHaveLength(contactCount());
    expect(calls('/GeneralApi/LoginUser')).toHaveLength(2);
    expect(calls('/api/Sgh/GEN/Gn_Web_Users/GetAll').map((c) => c.status)).toEqual([200, 401, 200]);
  });

  it('waits out a 429 Retry-After before calling again', async () => {
    await siagh.getAllContacts();
    sim.faults.set({ paths: ['/api/Sgh/GEN'], script: [{ kind: 'rateLimit', retryAfterSeconds: 1 }] });
    await siagh.getAllContacts();
    const [limited, retried] = calls('/api/Sgh/GEN/Gn_Web_Users/GetAll').slice(1);
    expect(limited?.status).toBe(429);
    expect(retried?.status).toBe(200);
    expect(retried!.timeMs - limited!.timeMs).toBeGreaterThanOrEqual(1000);
  });

  it('retries 5xx and connection resets on reads', async () => {
    await siagh.getAllContacts();
    sim.faults.set({ paths: ['/api/Sgh/GEN'], script: [{ kind: 'status', status: 502 }, { kind: 'reset' }] });
    await expect(siagh.getAllContacts()).resolves.toHaveLength(contactCount());
    expect(
      calls('/api/Sgh/GEN/Gn_Web_Users/GetAll')
        .slice(1)
        .map((c) => c.status),
    ).toEqual([502, 0, 200]);
  });

  it('a call guard is asked before each attempt: a refusal stops the retry of an update that failed', async () => {
    const code = await siagh.saveContact(customer(5007, '09125550007'), config);
    const before = calls('/BpmsApi/SaveFormData').length;
    sim.faults.set({ paths: ['/BpmsApi/SaveFormData'], script: [{ kind: 'status', status: 503 }] });
    const refusal = new Error('no longer the owner');
    let asked = 0;
    const guard = () => {
      asked++;
      if (asked > 1) throw refusal;
    };
    const update = guardCalls(guard, () =>
      siagh.saveContactFields([['gn_web_users.email', 'late@example.com']], code),
    );
    await expect(update).rejects.toBe(refusal);
    // The first attempt went out and failed; the retry was refused before it was sent.
    expect(asked).toBe(2);
    expect(
      calls('/BpmsApi/SaveFormData')
        .slice(before)
        .map((c) => c.status),
    ).toEqual([503]);
    // Outside the guard the same client calls as before.
    await siagh.saveContactFields([['gn_web_users.email', 'now@example.com']], code);
    expect(
      calls('/BpmsApi/SaveFormData')
        .slice(before)
        .map((c) => c.status),
    ).toEqual([503, 200]);
  });

  it('never re-sends a create after an ambiguous failure (SaveFormData is not idempotent)', async () => {
    await siagh.getAllContacts();
    const before = contactCount();
    sim.faults.set({ paths: ['/BpmsApi/SaveFormData'], script: [{ kind: 'status', status: 503 }] });
    const e = await caught(siagh.saveContact(customer(5005, '09125550005'), config));
    expect([e.kind, e.code]).toEqual(['transient', 'SIAGH_SERVER_ERROR']);
    expect(calls('/BpmsApi/SaveFormData')).toHaveLength(1);
    expect(contactCount()).toBe(before);
    // The caller's retry looks the natural key up first; here: absent, so one create.
    expect(await siagh.findContactsByCustomerNumber(5005)).toEqual([]);
    await siagh.saveContact(customer(5005, '09125550005'), config);
    expect(await siagh.findContactsByCustomerNumber(5005)).toHaveLength(1);
  });

  it('saves a pre-invoice with the session fiscal year, finds it, and maps an invalid row price', async () => {
    const customerCode = await siagh.saveContact(customer(5006, '09125550006'), config);
    const header = { customerCode, saleModel: 5, paymentType: 1, notes: 'CRM q-77 | آزمایش' };
    const doc = await siagh.savePreInvoice(header, [
      { productCode: 'K-1', unitName: 'عدد', qty: 2, price: 1500 },
    ]);
    expect(doc).toBeGreaterThan(0);
    const saved = calls('/BpmsApi/SaveFormData').at(-1)?.body as {
      parameters: string;
      dataRows: unknown;
      ctrlValues: string;
    };
    expect(saved.parameters).toMatch(/^_In_Suid=[0-9a-f-]{36}$/);
    expect(typeof saved.dataRows).toBe('string');
    expect(saved.ctrlValues).toContain(`sl_sanad.salmali=${sim.store.fiscalYear()}`);

    const found = await siagh.findPreInvoices({ CodeMoshtari: customerCode });
    expect(found.map((p) => p.ShomareSanad)).toEqual([doc]);
    expect(found[0]?.Tozihat).toBe('CRM q-77 ｜ آزمایش');

    expect(
      await siagh.savePreInvoice(header, [{ productCode: 'K-1', unitName: 'عدد', qty: 3, price: 1500 }], doc),
    ).toBe(doc);
    const bad = await caught(
      siagh.savePreInvoice(header, [{ productCode: 'K-1', unitName: 'عدد', qty: 1, price: 0 }]),
    );
    expect([bad.kind, bad.code]).toEqual(['permanent', 'SIAGH_INVALID_ROW_PRICE']);
    expect(bad.sourceMessage).toContain('نامعتبر');
  });
});

describe('SiaghClient against a Siagh that answers nonsense', () => {
  let server: Server;
  let url: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      if (req.url === '/GeneralApi/LoginUser')
        res.end(JSON.stringify({ SessionId: 's', FiscalYear: 1404, SystemDate: '1404/09/04' }));
      else if (req.url === '/BpmsApi/SaveFormData') res.end(JSON.stringify({ Errors: [] }));
      else res.end(JSON.stringify({ rows: [] }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
  });

  it('an unexpected shape is a permanent SIAGH_BAD_RESPONSE, and a save without ReturnValue is not a success', async () => {
    const siagh = new SiaghClient({
      baseUrl: url,
      username: 'u',
      password: 'p',
      rateLimitPerSecond: 100,
      timeoutMs: 5000,
    });
    try {
      const list = await caught(siagh.getAllContacts());
      expect([list.kind, list.code]).toEqual(['permanent', 'SIAGH_BAD_RESPONSE']);
      const save = await caught(siagh.saveContactFields([['gn_web_users.fullname', 'x']]));
      expect(save.code).toBe('SIAGH_BAD_RESPONSE');
      expect(save.details?.issues).toEqual([expect.stringMatching(/^ReturnValue: /)]);
    } finally {
      await siagh.close();
    }
  });
});
