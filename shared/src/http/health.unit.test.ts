import { statusIsFailure, SystemHealth } from './health';

describe('SystemHealth', () => {
  it('is unknown until a call is made', () => {
    expect(new SystemHealth().snapshot()).toEqual({
      ok: null,
      lastOkAt: null,
      lastErrorAt: null,
      lastError: null,
    });
  });

  it('follows the latest outcome and keeps the last failure', () => {
    let now = 1000;
    const h = new SystemHealth(() => now);
    h.answered();
    expect(h.snapshot()).toEqual({ ok: true, lastOkAt: 1000, lastErrorAt: null, lastError: null });
    now = 2000;
    h.failed('CRM unreachable on /api/v2/auth/login: connect ECONNREFUSED');
    expect(h.snapshot()).toEqual({
      ok: false,
      lastOkAt: 1000,
      lastErrorAt: 2000,
      lastError: 'CRM unreachable on /api/v2/auth/login: connect ECONNREFUSED',
    });
    now = 3000;
    h.answered();
    expect(h.snapshot()).toMatchObject({ ok: true, lastOkAt: 3000, lastErrorAt: 2000 });
  });

  it('a failure in the same millisecond as an answer wins, and long messages are cut', () => {
    const h = new SystemHealth(() => 5);
    h.answered();
    h.failed('x'.repeat(1000));
    const s = h.snapshot();
    expect(s.ok).toBe(false);
    expect(s.lastError).toHaveLength(301);
  });

  it('counts failing and credential-refusing statuses as failures, not a refusal of one request or pacing', () => {
    expect([500, 502, 503, 401, 403, 408].every(statusIsFailure)).toBe(true);
    expect([200, 400, 404, 409, 422, 429].some(statusIsFailure)).toBe(false);
  });
});
