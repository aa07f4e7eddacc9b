import { startCrmSimulator, type CrmSimulator } from './server';
import { crmLogin, post, sleep } from '../testing/client';

describe('CRM simulator: login, tokens, expiry', () => {
  let sim: CrmSimulator;
  beforeAll(async () => {
    sim = await startCrmSimulator({ tokenTtlMs: 300 });
  });
  afterAll(() => sim.close());

  const get = (headers?: Record<string, string>) =>
    post(`${sim.url}/api/v2/crmobject/identity/getIdentitiesSimple`, {}, headers);

  it('logs in with username/password and returns expiresAt, accessToken, refreshToken', async () => {
    const r = await post<Record<string, string>>(`${sim.url}/api/v2/auth/login`, {
      username: 'admin',
      password: 'admin',
      deviceId: 'd',
      platformType: 1,
      os: 'linux',
      osVersion: '6',
      token: '',
    });
    expect(r.status).toBe(200);
    expect(Object.keys(r.body).sort()).toEqual(['accessToken', 'expiresAt', 'refreshToken']);
    expect(Date.parse(r.body.expiresAt ?? '')).toBeGreaterThan(Date.now());
  });

  it('refuses wrong credentials and calls without a Bearer token', async () => {
    const bad = await post(`${sim.url}/api/v2/auth/login`, { username: 'admin', password: 'nope' });
    expect(bad.status).toBe(401);
    expect((await get()).status).toBe(401);
    expect((await get({ authorization: 'Bearer made-up' })).status).toBe(401);
  });

  it('expires tokens for real, and a refresh gives a working one (refresh tokens are single use)', async () => {
    const login = await post<{ accessToken: string; refreshToken: string }>(`${sim.url}/api/v2/auth/login`, {
      username: 'admin',
      password: 'admin',
    });
    const auth = { authorization: `Bearer ${login.body.accessToken}` };
    expect((await get(auth)).status).toBe(200);
    await sleep(400);
    const expired = await get(auth);
    expect(expired.status).toBe(401);
    expect(expired.headers['www-authenticate']).toContain('invalid_token');
    const refreshed = await post<{ accessToken: string }>(`${sim.url}/api/v2/auth/refresh`, {
      refreshToken: login.body.refreshToken,
    });
    expect(refreshed.status).toBe(200);
    expect((await get({ authorization: `Bearer ${refreshed.body.accessToken}` })).status).toBe(200);
    const again = await post(`${sim.url}/api/v2/auth/refresh`, { refreshToken: login.body.refreshToken });
    expect(again.status).toBe(401);
  });

  it('expires every session on demand through the admin API', async () => {
    const auth = await crmLogin(sim.url);
    expect((await get(auth)).status).toBe(200);
    const r = await post<{ expired: number }>(`${sim.url}/_sim/sessions/expire`);
    expect(r.body.expired).toBeGreaterThan(0);
    expect((await get(auth)).status).toBe(401);
  });
});
