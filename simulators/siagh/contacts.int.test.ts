import { startSiaghSimulator, type SiaghSimulator } from './server';
import { call, post, siaghLogin } from '../testing/client';
import type { FormResult } from './forms/result';
import type { SiaghContact } from './types';

describe('Siagh simulator: contacts (GetAll, form 2BFDA)', () => {
  let sim: SiaghSimulator;
  let auth: Record<string, string>;
  const save = (ctrlValues: string, parameters = 'CodeMain=') =>
    post<FormResult>(
      `${sim.url}/BpmsApi/SaveFormData`,
      { formId: '2BFDA', ctrlValues, parameters, dataRows: '', attachments: null, postCode: '', flowId: '' },
      auth,
    );
  const getAll = (body?: unknown) =>
    post<SiaghContact[]>(`${sim.url}/api/Sgh/GEN/Gn_Web_Users/GetAll`, body, auth);

  beforeAll(async () => {
    sim = await startSiaghSimulator({ dataset: { seed: 2, customers: 40, overlap: 1 } });
    auth = await siaghLogin(sim.url);
  });
  afterAll(() => sim.close());

  it('returns every contact for an empty body, by GET or POST, with no paging', async () => {
    expect((await getAll()).body).toHaveLength(40);
    const viaGet = await call<SiaghContact[]>(
      'GET',
      `${sim.url}/api/Sgh/GEN/Gn_Web_Users/GetAll`,
      undefined,
      auth,
    );
    expect(viaGet.body).toHaveLength(40);
    expect(Object.keys(viaGet.body[0] ?? {})).toEqual(
      expect.arrayContaining(['RecordId', 'tmpid', 'Code', 'Name', 'TowardType', 'IsActive']),
    );
  });

  it('filters by exact match on the given fields', async () => {
    const one = (await getAll()).body[7];
    expect((await getAll({ TelNo: one?.TelNo })).body.map((c) => c.Code)).toEqual([one?.Code]);
    expect((await getAll({ tmpid: one?.tmpid })).body.map((c) => c.Code)).toEqual([one?.Code]);
    expect((await getAll({ Code: one?.Code })).body).toHaveLength(1);
    expect((await getAll({ MobileNo: '0000' })).body).toEqual([]);
  });

  it('creates with sequential codes and is NOT idempotent', async () => {
    const a = await save('gn_web_users.fullname=تکراری|gn_web_users.tmpid=5000');
    const b = await save('gn_web_users.fullname=تکراری|gn_web_users.tmpid=5000');
    expect(a.status).toBe(200);
    expect(a.body).toMatchObject({ ReturnValue: true, Errors: [{ ErrorType: 'ErrSuccs' }] });
    expect(Number(b.body.ReturnCode)).toBe(Number(a.body.ReturnCode) + 1);
    expect((await getAll({ tmpid: '5000' })).body).toHaveLength(2);
  });

  it('refuses a duplicate phone with HTTP 200, ReturnValue:false and the Persian message', async () => {
    const existing = (await getAll()).body[3];
    const r = await save(`gn_web_users.fullname=کسی دیگر|gn_web_users.mobileno=${existing?.MobileNo ?? ''}`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      ReturnValue: false,
      Errors: [
        { ColName: 'mobileno', ErrorType: 'ErrError', Description: 'شماره تلفن نمی تواند تکراری باشد.' },
      ],
    });
  });

  it('updates with CodeMain=<Code>, only the fields sent', async () => {
    const c = await save('gn_web_users.fullname=قبلی|gn_web_users.email=old@x.ir|gn_web_users.towardtype=1');
    const code = c.body.ReturnCode;
    const u = await save('gn_web_users.email=new@x.ir|gn_web_users.isactive=0', `CodeMain=${code}`);
    expect(u.body).toMatchObject({ ReturnValue: true, ReturnCode: code });
    const [after] = (await getAll({ Code: code })).body;
    expect(after).toMatchObject({ Name: 'قبلی', Email: 'new@x.ir', IsActive: false, TowardType: true });
    expect((await save('gn_web_users.email=z', 'CodeMain=999999')).body.ReturnValue).toBe(false);
  });

  it('corrupts a value containing | exactly like the real parser', async () => {
    const r = await save(
      'gn_web_users.fullname=شرکت الف | ب|gn_web_users.description=x=y|gn_web_users.address=خیابان 1|gn_web_users.email=hijack@x.ir',
    );
    const [c] = (await getAll({ Code: r.body.ReturnCode })).body;
    expect(c?.Name).toBe('شرکت الف ');
    expect(c?.Description).toBe('x=y');
    expect(c?.Email).toBe('hijack@x.ir');
  });

  it('journals form writes as the API, admin edits as the UI, with the tmpid and what changed', async () => {
    const since = sim.journal.list().at(-1)?.seq ?? 0;
    const made = await save(
      'gn_web_users.fullname=دفتر|gn_web_users.tmpid=6100|gn_web_users.telno=02100006100',
    );
    const code = made.body.ReturnCode;
    await save('gn_web_users.fullname=دفتر|gn_web_users.tmpid=6100|gn_web_users.telno=02100006100');
    await save('gn_web_users.email=d@x.ir', `CodeMain=${code}`);
    await save('gn_web_users.email=d@x.ir', `CodeMain=${code}`);
    const ui = await call('PATCH', `${sim.url}/_sim/contacts/${code}`, { Email: 'ui@x.ir' });
    expect(ui.status).toBe(200);
    expect((await call('DELETE', `${sim.url}/_sim/contacts/${code}`)).status).toBe(204);
    expect(
      sim.journal
        .list({ since })
        .map((e) => [e.origin, e.op, e.customerNo, e.recordId, e.outcome, e.changed]),
    ).toEqual([
      ['api', 'create', '6100', code, 'ok', expect.arrayContaining(['Name', 'tmpid', 'TelNo'])],
      ['api', 'create', '6100', null, 'refused', []],
      ['api', 'update', '6100', code, 'ok', ['Email']],
      ['api', 'update', '6100', code, 'ok', []],
      ['ui', 'update', '6100', code, 'ok', ['Email']],
      ['ui', 'delete', '6100', code, 'ok', []],
    ]);
  });

  it('hard-deletes a contact "in the UI" so it disappears from GetAll', async () => {
    const r = await save('gn_web_users.fullname=موقت');
    expect((await call('DELETE', `${sim.url}/_sim/contacts/${r.body.ReturnCode}`)).status).toBe(204);
    expect((await getAll({ Code: r.body.ReturnCode })).body).toEqual([]);
  });
});
