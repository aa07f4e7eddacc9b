import { currentGuard, guardCalls, unguarded } from './callGuard';
import { authError, type SyncError } from '../errors';
import { parseRetryAfter } from './retryAfter';
import { RetryBudget } from './retryBudget';
import { SingleFlightSession } from './session';
import { certainlyNotProcessed, errorForNetwork, errorForStatus } from './statusErrors';

describe('parseRetryAfter', () => {
  const now = Date.parse('2025-11-25T10:00:00Z');
  it('reads delay-seconds', () => {
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter(['0'], now)).toBe(0);
  });
  it('reads an HTTP date relative to now, never negative', () => {
    expect(parseRetryAfter('Tue, 25 Nov 2025 10:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter('Tue, 25 Nov 2025 09:59:00 GMT', now)).toBe(0);
  });
  it('ignores absent or garbage values', () => {
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter('', now)).toBeUndefined();
    expect(parseRetryAfter('-5', now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
  });
});

describe('status -> error catalogue', () => {
  it.each([
    [429, 'rate-limited', 'CRM_RATE_LIMITED'],
    [401, 'auth', 'CRM_UNAUTHORIZED'],
    [403, 'auth', 'CRM_FORBIDDEN'],
    [408, 'transient', 'CRM_TIMEOUT'],
    [500, 'transient', 'CRM_SERVER_ERROR'],
    [503, 'transient', 'CRM_SERVER_ERROR'],
    [404, 'permanent', 'CRM_NOT_FOUND'],
    [400, 'permanent', 'CRM_BAD_REQUEST'],
    [422, 'permanent', 'CRM_BAD_REQUEST'],
  ])('%i -> %s %s', (status, kind, code) => {
    const e = errorForStatus('CRM', { status });
    expect([e.kind, e.code]).toEqual([kind, code]);
  });

  it('keeps Retry-After and the source message', () => {
    const e = errorForStatus('SIAGH', { status: 429, retryAfterMs: 2000, sourceMessage: 'کند' });
    expect(e.retryAfterMs).toBe(2000);
    expect(e.sourceMessage).toBe('کند');
    expect(e.code).toBe('SIAGH_RATE_LIMITED');
  });

  it('classifies network failures as transient and knows which were never processed', () => {
    const refused = errorForNetwork(
      'CRM',
      Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
    );
    const reset = errorForNetwork('CRM', Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
    const timeout = errorForNetwork(
      'SIAGH',
      Object.assign(new Error('headers'), { code: 'UND_ERR_HEADERS_TIMEOUT' }),
    );
    expect([refused.kind, refused.code]).toEqual(['transient', 'CRM_NETWORK']);
    expect(timeout.code).toBe('SIAGH_TIMEOUT');
    expect(certainlyNotProcessed(refused)).toBe(true);
    expect(certainlyNotProcessed(reset)).toBe(false);
    expect(certainlyNotProcessed(errorForStatus('CRM', { status: 429 }))).toBe(true);
    expect(certainlyNotProcessed(errorForStatus('CRM', { status: 502 }))).toBe(false);
  });
});

describe('RetryBudget', () => {
  it('caps retries at the ratio once the saved tokens are spent', () => {
    let t = 0;
    const budget = new RetryBudget({ ratio: 0.5, minPerSecond: 0, max: 2 }, () => t);
    expect(budget.tryWithdraw()).toBe(true);
    expect(budget.tryWithdraw()).toBe(true);
    expect(budget.tryWithdraw()).toBe(false);
    budget.deposit();
    expect(budget.tryWithdraw()).toBe(false);
    budget.deposit();
    expect(budget.tryWithdraw()).toBe(true);
    t += 10_000;
    expect(budget.available).toBe(0);
  });

  it('refills slowly with time', () => {
    let t = 0;
    const budget = new RetryBudget({ ratio: 0, minPerSecond: 1, max: 5 }, () => t);
    for (let i = 0; i < 5; i++) budget.tryWithdraw();
    expect(budget.tryWithdraw()).toBe(false);
    t += 1000;
    expect(budget.tryWithdraw()).toBe(true);
  });
});

describe('SingleFlightSession', () => {
  it('logs in once for many concurrent callers', async () => {
    let logins = 0;
    const s = new SingleFlightSession(async () => {
      logins++;
      await new Promise((r) => setImmediate(r));
      return { value: `token-${logins}` };
    });
    const all = await Promise.all(Array.from({ length: 20 }, () => s.get()));
    expect(logins).toBe(1);
    expect(new Set(all)).toEqual(new Set(['token-1']));
  });

  it('renews before the announced expiry', async () => {
    let t = 0;
    let logins = 0;
    const s = new SingleFlightSession(
      () => Promise.resolve({ value: ++logins, expiresAtMs: t + 60_000 }),
      10_000,
      () => t,
    );
    expect(await s.get()).toBe(1);
    t = 49_000;
    expect(await s.get()).toBe(1);
    t = 51_000;
    expect(await s.get()).toBe(2);
  });

  it('re-logs in on an expired session and retries once, then gives up', async () => {
    let logins = 0;
    const s = new SingleFlightSession(() => Promise.resolve({ value: ++logins }));
    const expired = (e: SyncError) => e.code === 'X_UNAUTHORIZED';
    const seen: number[] = [];
    await expect(
      s.run((v) => {
        seen.push(v);
        return v === 1 ? Promise.reject(authError('X_UNAUTHORIZED', 'gone')) : Promise.resolve('ok');
      }, expired),
    ).resolves.toBe('ok');
    expect(seen).toEqual([1, 2]);
    const calls: number[] = [];
    await expect(
      s.run((v) => {
        calls.push(v);
        return Promise.reject(authError('X_UNAUTHORIZED', 'still gone'));
      }, expired),
    ).rejects.toMatchObject({ code: 'X_UNAUTHORIZED' });
    expect(calls).toEqual([2, 3]);
  });

  it('a failed login is not cached', async () => {
    let n = 0;
    const s = new SingleFlightSession(() =>
      ++n === 1 ? Promise.reject(new Error('down')) : Promise.resolve({ value: 'ok' }),
    );
    await expect(s.get()).rejects.toThrow('down');
    await expect(s.get()).resolves.toBe('ok');
  });
});

describe('call guards', () => {
  it('follow the work through awaits and timers, and a shared read runs under none', async () => {
    const guard = () => undefined;
    const seen: Array<unknown> = [];
    await guardCalls(guard, async () => {
      seen.push(currentGuard());
      await new Promise((r) => setTimeout(r, 1));
      seen.push(currentGuard());
      await unguarded(async () => {
        await Promise.resolve();
        seen.push(currentGuard());
      });
      seen.push(currentGuard());
    });
    seen.push(currentGuard());
    expect(seen).toEqual([guard, guard, undefined, guard, undefined]);
  });
});
