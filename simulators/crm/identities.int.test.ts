import { startCrmSimulator, type CrmSimulator } from './server';
import { call, crmLogin, post } from '../testing/client';
import type { WriteEntry } from '../common/journal';

type Created = { crmId: string; success: boolean; message: string | null };

describe('CRM simulator: identities and lists', () => {
  let sim: CrmSimulator;
  let auth: Record<string, string>;
  const api = <T = unknown>(path: string, body: unknown) => post<T>(`${sim.url}/api/v2/${path}`, body, auth);

  beforeAll(async () => {
    sim = await startCrmSimulator({ dataset: { seed: 5, customers: 25, organizationRate: 0.3 } });
    auth = await crmLogin(sim.url);
  });
  afterAll(() => sim.close());

  it('creates, reads, updates and deletes a person with Iran-local zone-less times', async () => {
    const c = await api<Created>('crmobject/person/create', {
      firstName: 'علی',
      lastName: 'کریمی',
      customerNumber: '100-9001',
      phoneContacts: [{ default: true, phoneType: 'Mobile', phoneNumber: '09121112233' }],
      extendedProperties: [{ userKey: 'a', value: '1' }],
    });
    expect(c.body).toMatchObject({ success: true, message: null });
    const got = await api<Record<string, unknown>>('crmobject/person/get', { id: c.body.crmId });
    expect(got.body).toMatchObject({
      crmId: c.body.crmId,
      nickName: 'علی کریمی',
      customerNumber: '100-9001',
      identityType: 1,
    });
    expect(got.body.creatDate).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}$/);
    expect(got.body).not.toHaveProperty('registerNumber');

    const u = await api<Created>('crmobject/person/update', {
      id: c.body.crmId,
      email: 'a@b.ir',
      extendedProperties: [{ userKey: 'b', value: '2' }],
    });
    expect(u.body.success).toBe(true);
    const after = await api<Record<string, unknown>>('crmobject/person/get', { id: c.body.crmId });
    expect(after.body).toMatchObject({ email: 'a@b.ir', lastName: 'کریمی' });
    expect(after.body.extendedProperties).toEqual([
      { userKey: 'a', value: '1' },
      { userKey: 'b', value: '2' },
    ]);

    // A person is not an organization.
    expect((await api('crmobject/organization/get', { id: c.body.crmId })).status).toBe(404);
    expect((await api<Created>('crmobject/person/delete', { id: c.body.crmId })).body.success).toBe(true);
    expect((await api('crmobject/person/get', { id: c.body.crmId })).status).toBe(404);
  });

  it('refuses a duplicate customer number with success:false', async () => {
    const first = await api<Created>('crmobject/organization/create', {
      nickName: 'شرکت یکتا',
      customerNumber: '100-9100',
    });
    expect(first.body.success).toBe(true);
    const dup = await api<Created>('crmobject/person/create', {
      nickName: 'کسی',
      customerNumber: '100-9100',
    });
    expect(dup.status).toBe(200);
    expect(dup.body.success).toBe(false);
    expect(dup.body.message).toContain('100-9100');
    const auto = await api<Created>('crmobject/person/create', { nickName: 'بی شماره' });
    const got = await api<{ customerNumber: string }>('crmobject/person/get', { id: auto.body.crmId });
    expect(got.body.customerNumber).toBe('100-9101');
  });

  it('pages 0-based; a short page is the last; an empty body returns everything', async () => {
    const all = await api<Array<{ identityId: string; customerNo: string }>>(
      'crmobject/identity/getIdentitiesSimple',
      {},
    );
    const total = sim.store.identities.size;
    expect(all.body).toHaveLength(total);
    const seen: string[] = [];
    for (let page = 0; ; page++) {
      const r = await api<Array<{ identityId: string }>>('crmobject/identity/search', {
        pageNumber: page,
        pageSize: 10,
      });
      seen.push(...r.body.map((x) => x.identityId));
      if (r.body.length < 10) break;
    }
    expect(seen).toEqual(all.body.map((x) => x.identityId));
    const orgs = await api<unknown[]>('crmobject/identity/getIdentities', { identityType: 2 });
    expect(orgs.body.every((o) => (o as { identityType: number }).identityType === 2)).toBe(true);
    const found = await api<Array<{ customerNo: string }>>('crmobject/identity/getCustomers', {
      searchTerm: '100-9100',
    });
    expect(found.body.map((f) => f.customerNo)).toEqual(['100-9100']);
  });

  it('creates quotes with details and computed totals, and updates extendedProperties (document number write-back)', async () => {
    const who = [...sim.store.identities.values()][0];
    const q = await api<Created>('crmobject/quote/sales/create', {
      identityId: who?.crmId,
      subject: 'پیش فاکتور',
      details: [
        {
          productCode: '1001',
          productName: 'کاغذ',
          productUnitTypeName: 'بسته',
          count: 2,
          baseUnitPrice: 100_000,
        },
      ],
    });
    expect(q.body.success).toBe(true);
    await api('crmobject/quote/sales/update', {
      id: q.body.crmId,
      extendedProperties: [{ userKey: 'SiaghDocNo', value: '17' }],
    });
    const got = await api<Record<string, unknown>>('crmobject/quote/sales/get', { id: q.body.crmId });
    expect(got.body).toMatchObject({
      crmObjectTypeCode: 'PI_5',
      identityId: who?.crmId,
      totalValue: 200_000,
      vat: 20_000,
      finalValue: 220_000,
      extendedProperties: [{ userKey: 'SiaghDocNo', value: '17' }],
    });
    expect(got.body.details).toEqual([
      expect.objectContaining({ productCode: '1001', count: 2, finalUnitPrice: 100_000, totalVat: 20_000 }),
    ]);
    const orphan = await api<Created>('crmobject/quote/sales/create', {
      identityId: 'no-such-id',
      details: [],
    });
    expect(orphan.body.success).toBe(false);
  });

  it('answers a malformed body with 400', async () => {
    const r = await api('crmobject/person/create', { phoneContacts: 'not-a-list' });
    expect(r.status).toBe(400);
  });

  it('journals API writes (refused and malformed too) apart from UI edits, per customer number', async () => {
    const since = sim.journal.list().at(-1)?.seq ?? 0;
    const ui = await call<{ crmId: string }>('POST', `${sim.url}/_sim/identities`, {
      identityType: 1,
      nickName: 'کاربر',
      customerNumber: '100-9300',
    });
    expect(ui.status).toBe(201);
    const twice = await api<Created>('crmobject/person/create', {
      nickName: 'دوم',
      customerNumber: '100-9300',
    });
    expect(twice.body.success).toBe(false);
    await api('crmobject/person/update', { id: ui.body.crmId, email: 'j@x.ir' });
    await api('crmobject/organization/update', { id: ui.body.crmId, email: 'k@x.ir' });
    await api('crmobject/person/create', { customerNumber: '100-9301', phoneContacts: 'not-a-list' });
    const got = await call<{ dropped: number; entries: WriteEntry[] }>(
      'GET',
      `${sim.url}/_sim/journal?since=${since}`,
    );
    expect(got.body.dropped).toBe(0);
    expect(got.body.entries.map((e) => [e.origin, e.op, e.customerNo, e.outcome, e.changed])).toEqual([
      ['ui', 'create', '100-9300', 'ok', expect.arrayContaining(['nickName', 'customerNumber'])],
      ['api', 'create', '100-9300', 'refused', []],
      ['api', 'update', '100-9300', 'ok', ['email']],
      ['api', 'update', '100-9300', 'refused', []],
      ['api', 'create', '100-9301', 'refused', []],
    ]);
    // The HTTP call log still holds every API call; the journal adds what each did to which customer.
    expect(sim.journal.list({ origin: 'api', customerNo: '100-9300', op: 'create' })).toHaveLength(1);
  });
});
