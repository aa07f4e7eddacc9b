import { randomUUID } from 'node:crypto';
import { startSiaghSimulator, type SiaghSimulator } from './server';
import { call, post, siaghLogin } from '../testing/client';
import type { FormResult } from './forms/result';
import type { PreInvoice } from './types';

const cell = (v: unknown) => ({ oldValue: null, newValue: v });
const rows = (...prices: unknown[]) =>
  JSON.stringify([
    {
      name: 'dbgrid1',
      entity: 'sl_rizsanad',
      keyField: 'coderiz',
      data: prices.map((price, i) => ({
        codekala: cell('1001'),
        nameunit: cell('عدد'),
        qty: cell(2),
        price: cell(price),
        mabtakhfif: cell(0),
        radif: cell(i + 1),
        vazn: cell(0),
        hajm: cell(0),
      })),
    },
  ]);

describe('Siagh simulator: pre-invoices (form 43D81)', () => {
  let sim: SiaghSimulator;
  let auth: Record<string, string>;
  let year: number;
  const header = (customer: number, notes: string) =>
    `sl_sanad.codenoeesanad=2|sl_sanad.codesalemodel=5|sl_sanad.salmali=${year}|sl_sanad.codenoeepardakht=1|sl_sanad.codemoshtari=${customer}|sl_sanad.tozihat=${notes}|sl_sanad.namenoesanad=پیش فاکتور فروش`;
  const save = (ctrlValues: string, dataRows: string, parameters = `_In_Suid=${randomUUID()}`) =>
    post<FormResult>(
      `${sim.url}/BpmsApi/SaveFormData`,
      { formId: '43D81', ctrlValues, parameters, dataRows, attachments: null, postCode: '', flowId: '' },
      auth,
    );

  beforeAll(async () => {
    sim = await startSiaghSimulator({ dataset: { seed: 4, customers: 5 } });
    const login = await post<{ SessionId: string; FiscalYear: number }>(`${sim.url}/GeneralApi/LoginUser`, {
      UserName: 'admin',
      Password: (await import('../testing/client')).md5Upper('admin'),
    });
    year = login.body.FiscalYear;
    auth = await siaghLogin(sim.url);
  });
  afterAll(() => sim.close());

  it('creates a document and returns its number in ReturnCode and in the Persian message', async () => {
    const r = await save(header(1001, 'CRM quote abc-123'), rows(150000, 20000));
    expect(r.body.ReturnValue).toBe(true);
    const no = r.body.ReturnCode;
    expect(r.body.FinalMessages.join(' ')).toContain(no);
    const found = await post<PreInvoice[]>(
      `${sim.url}/api/Sgh/SL/Sl_Sanad/GetAll`,
      { Tozihat: 'abc-123' },
      auth,
    );
    expect(found.body).toHaveLength(1);
    expect(found.body[0]).toMatchObject({
      ShomareSanad: Number(no),
      CodeMoshtari: 1001,
      SalMali: year,
      MablaghKol: 340000,
      Finalized: false,
    });
    expect(found.body[0]?.Rows).toHaveLength(2);
  });

  it.each([['0'], ['-100'], ['abc']])('refuses the row price %s', async (price) => {
    const r = await save(header(1001, 'bad'), rows(1000, price));
    expect(r.status).toBe(200);
    expect(r.body.ReturnValue).toBe(false);
    expect(r.body.Errors[0]).toMatchObject({ ColName: 'price', ErrorType: 'ErrError' });
  });

  it('refuses an unknown customer code', async () => {
    const r = await save(header(424242, 'x'), rows(1000));
    expect(r.body).toMatchObject({
      ReturnValue: false,
      Errors: [{ ColName: 'codemoshtari', ErrorType: 'ErrError' }],
    });
  });

  it('is not idempotent and edits with CodeMain until the document is finalized', async () => {
    const suid = `_In_Suid=${randomUUID()}`;
    const a = await save(header(1002, 'twice'), rows(5000), suid);
    const b = await save(header(1002, 'twice'), rows(5000), suid);
    expect(b.body.ReturnCode).not.toBe(a.body.ReturnCode);
    const edit = await save('sl_sanad.tozihat=edited', rows(7000, 8000), `CodeMain=${a.body.ReturnCode}`);
    expect(edit.body).toMatchObject({ ReturnValue: true, ReturnCode: a.body.ReturnCode });
    const [doc] = (
      await post<PreInvoice[]>(
        `${sim.url}/api/Sgh/SL/Sl_Sanad/GetAll`,
        { ShomareSanad: a.body.ReturnCode },
        auth,
      )
    ).body;
    expect(doc).toMatchObject({ Tozihat: 'edited', MablaghKol: 30000, CodeMoshtari: 1002 });
    await call('PATCH', `${sim.url}/_sim/preinvoices/${a.body.ReturnCode}`, { Finalized: true });
    const refused = await save('sl_sanad.tozihat=again', '', `CodeMain=${a.body.ReturnCode}`);
    expect(refused.body).toMatchObject({
      ReturnValue: false,
      Errors: [{ ErrorType: 'ErrError', ErrorCode: 1010 }],
    });
  });
});
