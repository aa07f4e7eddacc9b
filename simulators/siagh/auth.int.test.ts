import { startSiaghSimulator, type SiaghSimulator } from './server';
import { call, md5Upper, post, siaghLogin, sleep } from '../testing/client';
import { jalaliOf } from '../common/clock';

describe('Siagh simulator: login and sessions', () => {
  let sim: SiaghSimulator;
  beforeAll(async () => {
    sim = await startSiaghSimulator({ sessionTtlMs: 300 });
  });
  afterAll(() => sim.close());
  const getAll = (authorization?: string) =>
    post(
      `${sim.url}/api/Sgh/GEN/Gn_Web_Users/GetAll`,
      {},
      authorization === undefined ? {} : { authorization },
    );

  it('accepts only the upper-case hex MD5 of the password', async () => {
    const login = (Password: string) =>
      post<Record<string, unknown>>(`${sim.url}/GeneralApi/LoginUser`, { UserName: 'admin', Password });
    expect((await login('admin')).status).toBe(401);
    expect((await login(md5Upper('admin').toLowerCase())).status).toBe(401);
    const ok = await login(md5Upper('admin'));
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ UserName: 'admin', BranchCode: 1, FiscalYear: jalaliOf(new Date()).jy });
    expect(ok.body.SystemDate).toMatch(/^1[34]\d{2}\/\d{2}\/\d{2}$/);
    expect(typeof ok.body.SessionId).toBe('string');
    expect(typeof ok.body.Token).toBe('string');
  });

  it('wants the SessionId itself in Authorization: a Bearer prefix is 401', async () => {
    const { authorization } = await siaghLogin(sim.url);
    expect((await getAll(authorization)).status).toBe(200);
    expect((await getAll(`Bearer ${authorization}`)).status).toBe(401);
    expect((await getAll()).status).toBe(401);
  });

  it('expires idle sessions and all sessions on demand', async () => {
    const a = (await siaghLogin(sim.url)).authorization;
    await sleep(400);
    const expired = await getAll(a);
    expect(expired.status).toBe(401);
    expect(expired.body).toEqual({ Message: 'Authorization has been denied for this request.' });
    const b = (await siaghLogin(sim.url)).authorization;
    await post(`${sim.url}/_sim/sessions/expire`);
    expect((await getAll(b)).status).toBe(401);
  });

  it('skews its own clock through the admin API (SystemDate follows)', async () => {
    const r = await call<{ offsetMs: number }>('PUT', `${sim.url}/_sim/clock`, {
      offsetMs: 400 * 86_400_000,
    });
    expect(r.body.offsetMs).toBe(400 * 86_400_000);
    const login = await post<{ FiscalYear: number }>(`${sim.url}/GeneralApi/LoginUser`, {
      UserName: 'admin',
      Password: md5Upper('admin'),
    });
    expect(login.body.FiscalYear).toBe(jalaliOf(new Date(Date.now() + 400 * 86_400_000)).jy);
    await call('PUT', `${sim.url}/_sim/clock`, { offsetMs: 0 });
  });
});
