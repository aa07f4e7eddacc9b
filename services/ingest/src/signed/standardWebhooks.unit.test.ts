import { randomBytes } from 'node:crypto';
import { sign, verifyStandardWebhook } from './standardWebhooks';
import { ReplayCache } from './replayCache';
import type { VerifyResult } from './standardWebhooks';

const reasonOf = (r: VerifyResult): string => (r.ok ? 'ok' : r.reason);

const key = randomBytes(32);
const oldKey = randomBytes(32);
const now = 1_764_000_000_000;
const nowS = now / 1000;
const body = Buffer.from('{"type":"customer.upsert"}');
const headersFor = (k: Buffer, ts = nowS, id = 'msg_2KWPBgLlAfxdpx2AI54pPJ85f4W', b: Buffer = body) => ({
  id,
  timestamp: String(ts),
  signature: `v1,${sign(k, id, ts, b)}`,
});

describe('Standard Webhooks verification', () => {
  it('accepts a valid signature', () => {
    expect(verifyStandardWebhook(headersFor(key), body, [key], now, 300)).toMatchObject({
      ok: true,
      keyIndex: 0,
    });
  });

  it('matches the reference vector of the Standard Webhooks spec', () => {
    // From standard-webhooks/standard-webhooks spec examples (whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw).
    const specKey = Buffer.from('MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'base64');
    const specBody = Buffer.from('{"test": 2432232314}');
    const sig = sign(specKey, 'msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, specBody);
    expect(sig).toBe('g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });

  it('refuses a wrong secret', () => {
    expect(verifyStandardWebhook(headersFor(randomBytes(32)), body, [key], now, 300)).toEqual({
      ok: false,
      reason: 'BAD_SIGNATURE',
    });
  });

  it('accepts any active secret during a rotation, and any offered signature', () => {
    expect(verifyStandardWebhook(headersFor(oldKey), body, [key, oldKey], now, 300)).toMatchObject({
      ok: true,
      keyIndex: 1,
    });
    const both = `v1,${sign(randomBytes(32), 'm1', nowS, body)} v1,${sign(key, 'm1', nowS, body)}`;
    expect(
      verifyStandardWebhook({ id: 'm1', timestamp: String(nowS), signature: both }, body, [key], now, 300).ok,
    ).toBe(true);
  });

  it('refuses a retired secret once it is removed', () => {
    expect(verifyStandardWebhook(headersFor(oldKey), body, [key], now, 300).ok).toBe(false);
  });

  it('refuses expired and future timestamps (5-minute tolerance), accepts the edges', () => {
    expect(verifyStandardWebhook(headersFor(key, nowS - 301), body, [key], now, 300)).toEqual({
      ok: false,
      reason: 'TIMESTAMP_TOO_OLD',
    });
    expect(verifyStandardWebhook(headersFor(key, nowS + 301), body, [key], now, 300)).toEqual({
      ok: false,
      reason: 'TIMESTAMP_IN_FUTURE',
    });
    expect(verifyStandardWebhook(headersFor(key, nowS - 300), body, [key], now, 300).ok).toBe(true);
    expect(verifyStandardWebhook(headersFor(key, nowS + 300), body, [key], now, 300).ok).toBe(true);
  });

  it('refuses a tampered body, id or timestamp', () => {
    const h = headersFor(key);
    expect(verifyStandardWebhook(h, Buffer.from('{"type":"customer.delete"}'), [key], now, 300).ok).toBe(
      false,
    );
    expect(verifyStandardWebhook({ ...h, id: 'msg_other' }, body, [key], now, 300).ok).toBe(false);
    expect(verifyStandardWebhook({ ...h, timestamp: String(nowS - 1) }, body, [key], now, 300).ok).toBe(
      false,
    );
  });

  it('refuses missing and malformed headers', () => {
    const h = headersFor(key);
    expect(reasonOf(verifyStandardWebhook({ ...h, signature: undefined }, body, [key], now, 300))).toBe(
      'MISSING_HEADERS',
    );
    expect(reasonOf(verifyStandardWebhook({ ...h, id: undefined }, body, [key], now, 300))).toBe(
      'MISSING_HEADERS',
    );
    expect(reasonOf(verifyStandardWebhook({ ...h, timestamp: '1.5e9' }, body, [key], now, 300))).toBe(
      'INVALID_HEADERS',
    );
    expect(reasonOf(verifyStandardWebhook({ ...h, id: 'a b' }, body, [key], now, 300))).toBe(
      'INVALID_HEADERS',
    );
    expect(
      reasonOf(verifyStandardWebhook({ ...h, signature: 'v1a,xxx v2,yyy' }, body, [key], now, 300)),
    ).toBe('BAD_SIGNATURE');
    expect(
      reasonOf(
        verifyStandardWebhook({ ...h, signature: h.signature.replace('v1,', '') }, body, [key], now, 300),
      ),
    ).toBe('BAD_SIGNATURE');
    expect(
      reasonOf(verifyStandardWebhook({ ...h, signature: 'v1,' + 'A'.repeat(5000) }, body, [key], now, 300)),
    ).toBe('INVALID_HEADERS');
  });
});

describe('ReplayCache: a webhook id is accepted once within its validity', () => {
  const hash = ReplayCache.hashBody(body);
  const exp = now + 300_000;

  it('claims once, then reports duplicates after completion', () => {
    const c = new ReplayCache();
    expect(c.claim('s\0id1', hash, exp, now)).toBe('new');
    expect(c.claim('s\0id1', hash, exp, now)).toBe('in-flight');
    c.complete('s\0id1');
    expect(c.claim('s\0id1', hash, exp, now + 1000)).toBe('duplicate');
    expect(c.claim('s\0id1', ReplayCache.hashBody(Buffer.from('{}')), exp, now)).toBe('conflict');
  });

  it('forgets a failed attempt so the retry is processed', () => {
    const c = new ReplayCache();
    expect(c.claim('k', hash, exp, now)).toBe('new');
    c.release('k');
    expect(c.claim('k', hash, exp, now)).toBe('new');
  });

  it('forgets ids whose signature can no longer be valid, and stays bounded', () => {
    const c = new ReplayCache(3);
    c.claim('a', hash, exp, now);
    c.complete('a');
    expect(c.claim('a', hash, exp + 1000, exp + 1)).toBe('new');
    for (const k of ['b', 'c', 'd', 'e']) c.claim(k, hash, exp, now);
    expect(c.size).toBe(3);
  });
});
