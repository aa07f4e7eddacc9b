import { HttpError } from './errors';
import { Limits } from './rateLimit';

const refusal = () => new HttpError(404, 'NOT_FOUND', 'no such route', { reason: 'BAD_SECRET' });
const limits = (authFailuresPerMinute = 3) =>
  new Limits({ points: 1000, windowMs: 1000, authFailuresPerMinute });

async function fail(l: Limits, ip: string | undefined): Promise<HttpError> {
  return l.authenticationFailed(ip, refusal());
}

describe('Limits.authenticationFailed: the per-address guard counts failures only', () => {
  it('answers with the route refusal within the budget, then 429 with a Retry-After of at most a minute', async () => {
    const l = limits(3);
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push(await fail(l, '198.51.100.9'));
    expect(answers.map((a) => [a.status, a.code])).toEqual([
      [404, 'NOT_FOUND'],
      [404, 'NOT_FOUND'],
      [404, 'NOT_FOUND'],
      [429, 'TOO_MANY_AUTH_FAILURES'],
      [429, 'TOO_MANY_AUTH_FAILURES'],
    ]);
    const locked = answers[4]!;
    expect(locked.retryAfterS).toBeGreaterThanOrEqual(1);
    expect(locked.retryAfterS).toBeLessThanOrEqual(60);
    // The refusal passed in is what a within-budget failure sends, reason included (the metric label).
    expect(answers[0]!.reason).toBe('BAD_SECRET');
  });

  it('a locked-out address does not lock out the authenticated source behind it', async () => {
    const l = limits(1);
    await fail(l, '127.0.0.1');
    expect((await fail(l, '127.0.0.1')).status).toBe(429);
    // Source budgets are by credential, not by address: nothing of the lockout applies.
    await expect(l.consumeSource('crm')).resolves.toBeUndefined();
  });

  it('IPv6 failures share a budget per /64; another /64 has its own', async () => {
    const l = limits(2);
    expect((await fail(l, '2001:db8:5:6::1')).status).toBe(404);
    expect((await fail(l, '2001:db8:5:6::2')).status).toBe(404);
    expect((await fail(l, '2001:db8:5:6:aaaa:bbbb:cccc:dddd')).status).toBe(429);
    expect((await fail(l, '2001:db8:5:7::1')).status).toBe(404);
  });

  it('an IPv4 client counts the same whether it arrives as IPv4 or IPv4-mapped IPv6', async () => {
    const l = limits(2);
    expect((await fail(l, '203.0.113.5')).status).toBe(404);
    expect((await fail(l, '::ffff:203.0.113.5')).status).toBe(404);
    expect((await fail(l, '203.0.113.5')).status).toBe(429);
    expect((await fail(l, '203.0.113.6')).status).toBe(404);
  });

  it('strings that are not addresses share one budget instead of getting one each', async () => {
    const l = limits(2);
    expect((await fail(l, 'junk-1')).status).toBe(404);
    expect((await fail(l, undefined)).status).toBe(404);
    expect((await fail(l, 'junk-2')).status).toBe(429);
  });
});
