import { GUIDS, crmUrl, readTopic, startIngest, topicEnd } from './helpers';
import { OK, okQuery, signedInit, validSigned } from './attack/shared';

// Floods and address rules of the ingest routes (the single-request attack cases are in attack.int.test.ts).

describe('floods and address rules', () => {
  it('a flood from one source gets 429 with Retry-After; every 202 is in the topic', async () => {
    const small = await startIngest({ config: { rateLimit: { points: 20, windowMs: 10_000 } } });
    try {
      const results = await Promise.all(
        Array.from({ length: 60 }, (_, i) => fetch(crmUrl(small.url, { ...OK, id: GUIDS[100 + i]! }))),
      );
      const statuses = results.map((r) => r.status);
      expect(statuses.filter((s) => s === 202)).toHaveLength(20);
      expect(statuses.filter((s) => s === 429)).toHaveLength(40);
      const limited = results.find((r) => r.status === 429)!;
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(await limited.json()).toMatchObject({ error: { code: 'RATE_LIMITED' } });
      const events = await readTopic(small.topic, small.codec);
      expect(events).toHaveLength(20);
      // Another source keeps its own budget.
      const s = await fetch(`${small.url}/webhooks/signed/erp`, signedInit(validSigned()));
      expect(s.status).toBe(202);
    } finally {
      await small.close();
    }
  });

  it('an address that keeps failing authentication is refused for a while', async () => {
    const small = await startIngest({ config: { authFailuresPerMinute: 5 } });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 8; i++)
        statuses.push(
          (await fetch(`${small.url}/webhooks/crm/guess-${i}-0123456789abcdef?${okQuery}`)).status,
        );
      expect(statuses.slice(0, 5)).toEqual([404, 404, 404, 404, 404]);
      expect(statuses.slice(5)).toEqual([429, 429, 429]);
      expect(await topicEnd(small.kafka, small.topic)).toBe(0);
    } finally {
      await small.close();
    }
  });

  it('the address allowlist refuses other addresses and ignores a spoofed X-Forwarded-For', async () => {
    const small = await startIngest({ config: { crmAllowedIps: ['10.0.0.0/8', '192.168.1.7'] } });
    try {
      const r = await fetch(crmUrl(small.url, OK), { headers: { 'x-forwarded-for': '10.1.2.3' } });
      expect(r.status).toBe(403);
      expect(await r.json()).toMatchObject({ error: { code: 'SOURCE_NOT_ALLOWED' } });
      expect(await topicEnd(small.kafka, small.topic)).toBe(0);
    } finally {
      await small.close();
    }
    const open = await startIngest({ config: { crmAllowedIps: ['127.0.0.1'] } });
    try {
      expect((await fetch(crmUrl(open.url, OK))).status).toBe(202);
    } finally {
      await open.close();
    }
  });
});
