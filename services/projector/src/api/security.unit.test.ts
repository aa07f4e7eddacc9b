import type { Request } from 'express';
import { counterQuery } from '../views/counters/queries';
import { grantsRead } from './auth';
import { allowedHosts, hostOf } from './hosts';
import { rangeInBuckets } from './ranges';
import { cookieOf, sessionValue } from './session';
import { Slots } from './slots';

const req = (headers: Record<string, string>) => ({ headers }) as unknown as Request;
const tokens = { read: 'read-token-0123456789', operator: 'operator-token-0123456789' };

describe('read access', () => {
  it('takes the read or the operator token as a bearer, or either one as the session cookie', () => {
    expect(grantsRead(req({ authorization: `Bearer ${tokens.read}` }), tokens)).toBe(true);
    expect(grantsRead(req({ authorization: `Bearer ${tokens.operator}` }), tokens)).toBe(true);
    expect(grantsRead(req({ cookie: `a=b; siaghsync_session=${sessionValue(tokens.read)}` }), tokens)).toBe(
      true,
    );
    expect(grantsRead(req({ cookie: `siaghsync_session=${sessionValue(tokens.operator)}` }), tokens)).toBe(
      true,
    );
  });

  it('refuses no token, a wrong one, the raw token as the cookie, and a cookie of another token', () => {
    expect(grantsRead(req({}), tokens)).toBe(false);
    expect(grantsRead(req({ authorization: 'Bearer read-token-012345678' }), tokens)).toBe(false);
    expect(grantsRead(req({ authorization: tokens.read }), tokens)).toBe(false);
    expect(grantsRead(req({ cookie: `siaghsync_session=${tokens.read}` }), tokens)).toBe(false);
    expect(
      grantsRead(req({ cookie: `siaghsync_session=${sessionValue('other-token-0123456')}` }), tokens),
    ).toBe(false);
    expect(grantsRead(req({ cookie: 'siaghsync_session=' }), tokens)).toBe(false);
  });

  it('with no read token set, only the operator token reads', () => {
    const opOnly = { read: undefined, operator: tokens.operator };
    expect(grantsRead(req({ authorization: `Bearer ${tokens.operator}` }), opOnly)).toBe(true);
    expect(grantsRead(req({ authorization: 'Bearer ' }), opOnly)).toBe(false);
    expect(grantsRead(req({}), opOnly)).toBe(false);
  });

  it('reads one cookie out of a Cookie header', () => {
    expect(cookieOf('a=1; siaghsync_session=v=x; b=2', 'siaghsync_session')).toBe('v=x');
    expect(cookieOf('xsiaghsync_session=1', 'siaghsync_session')).toBeUndefined();
    expect(cookieOf(undefined, 'siaghsync_session')).toBeUndefined();
  });
});

describe('Host allowlist', () => {
  it('strips the port and the IPv6 brackets, lowercases, refuses what is not a host', () => {
    expect(hostOf('127.0.0.1:7204')).toBe('127.0.0.1');
    expect(hostOf('LocalHost')).toBe('localhost');
    expect(hostOf('[::1]:7204')).toBe('::1');
    expect(hostOf('sync.example.com.')).toBe('sync.example.com');
    expect(hostOf(undefined)).toBeNull();
    expect(hostOf('')).toBeNull();
    expect(hostOf('a b')).toBeNull();
    expect(hostOf('::1')).toBeNull();
  });

  it('allows the loopback names, the configured names and the listen address unless it is a wildcard', () => {
    expect([...allowedHosts('127.0.0.1', [])].sort()).toEqual(['127.0.0.1', '::1', 'localhost']);
    expect(allowedHosts('10.0.0.5', []).has('10.0.0.5')).toBe(true);
    expect(allowedHosts('0.0.0.0', []).has('0.0.0.0')).toBe(false);
    expect(allowedHosts('::', ['sync.example.com']).has('sync.example.com')).toBe(true);
    expect(allowedHosts('127.0.0.1', []).has('rebind.example')).toBe(false);
  });
});

describe('range bounds', () => {
  const now = Date.UTC(2026, 0, 1, 12, 0, 0);
  it('measures a range in buckets, a partial one counting as one', () => {
    expect(rangeInBuckets(0, 60_000, 60_000)).toBe(1);
    expect(rangeInBuckets(30_000, 90_001, 60_000)).toBe(2);
    expect(rangeInBuckets(5, 5, 60_000)).toBe(0);
    expect(rangeInBuckets(120_000, 0, 60_000)).toBe(0);
  });

  it('counters: a day of minutes passes, a minute more does not; hours go 60 days back', () => {
    const ok = counterQuery.safeParse({ from: String(now - 1440 * 60_000 + 7), to: String(now + 7) });
    expect(ok.success).toBe(true);
    const wide = counterQuery.safeParse({ from: String(now - 1441 * 60_000), to: String(now) });
    expect(wide.success).toBe(false);
    expect(wide.error?.issues.map((i) => i.path.join('.'))).toEqual(['from']);
    expect(wide.error?.issues[0]?.message).toMatch(/1441 minutes long, at most 1440.*granularity=hour/);
    expect(
      counterQuery.safeParse({ granularity: 'hour', from: String(now - 1440 * 3_600_000), to: String(now) })
        .success,
    ).toBe(true);
    expect(counterQuery.safeParse({}).success).toBe(true);
  });
});

describe('export slots', () => {
  it('hands out at most max, refuses the next, and takes each back once', () => {
    const seen: number[] = [];
    const slots = new Slots(2, (n) => seen.push(n));
    const a = slots.take();
    const b = slots.take();
    expect(a).not.toBeNull();
    expect(b).not.toBeNull();
    expect(slots.take()).toBeNull();
    a!();
    a!();
    expect(slots.inUse).toBe(1);
    expect(slots.take()).not.toBeNull();
    expect(seen).toEqual([1, 2, 1, 2]);
  });
});
