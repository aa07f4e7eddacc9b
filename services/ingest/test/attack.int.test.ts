import net from 'node:net';
import { GUIDS, crmUrl, readTopic, startIngest, topicEnd, type TestIngest } from './helpers';
import { bodyCases } from './attack/bodyCases';
import {
  LOCKOUT_BUDGET,
  badSignature,
  exhaust,
  unknownSender,
  validCrm,
  validSignedWebhook,
  wrongSecret,
  type Answer,
} from './attack/lockout';
import { prototypeCases } from './attack/prototypeCases';
import { routingCases } from './attack/routingCases';
import { signedCases } from './attack/signedCases';
import {
  MARKERS,
  OK,
  REPLAY_BODY,
  REPLAY_ID,
  REPLAY_TS,
  call,
  nowS,
  signedInit,
  validSigned,
} from './attack/shared';

// Hostile and broken input. Each case gets the right status, the service stays up, and nothing of the
// input is reflected or produced. The case count is printed for the report. Floods: floods.int.test.ts.
// The lockout scenarios (a small failure budget, client addresses via a trusted proxy) are at the end.

const cases = () => [...routingCases(), ...bodyCases(), ...prototypeCases(), ...signedCases()];

let ingest: TestIngest;
beforeAll(async () => {
  ingest = await startIngest();
});
afterAll(async () => {
  await ingest.close();
});

describe('attack suite', () => {
  it('answers every hostile request with the right status, reflects nothing, produces nothing', async () => {
    // The one legitimate signed webhook the replay case repeats.
    const first = await fetch(
      `${ingest.url}/webhooks/signed/erp`,
      signedInit(REPLAY_BODY, { id: REPLAY_ID, ts: REPLAY_TS }),
    );
    expect(first.status).toBe(202);
    const before = await topicEnd(ingest.kafka, ingest.topic);

    const all = cases();
    const failures: string[] = [];
    for (const c of all) {
      const r = await call(ingest.url, c);
      const problems: string[] = [];
      if (r.status !== c.status) problems.push(`status ${r.status} != ${c.status}`);
      if (r.status >= 400 && r.status !== 431 && c.init?.method !== 'HEAD') {
        let parsed: { error?: { code?: string; field?: string } } = {};
        try {
          parsed = JSON.parse(r.body) as typeof parsed;
        } catch {
          problems.push('body is not JSON');
        }
        if (!parsed.error?.code) problems.push('no error.code');
        if (c.code && parsed.error?.code !== c.code) problems.push(`code ${parsed.error?.code} != ${c.code}`);
        if (c.field && parsed.error?.field !== c.field)
          problems.push(`field ${parsed.error?.field} != ${c.field}`);
      }
      for (const m of MARKERS) if (r.body.includes(m)) problems.push(`reflects ${m.slice(0, 20)}`);
      if (problems.length) failures.push(`${c.name}: ${problems.join('; ')}`);
    }
    expect(failures).toEqual([]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(await topicEnd(ingest.kafka, ingest.topic)).toBe(before);

    // Still up and still working.
    expect((await fetch(`${ingest.url}/health`)).status).toBe(200);
    expect((await fetch(crmUrl(ingest.url, OK))).status).toBe(202);
    expect(await topicEnd(ingest.kafka, ingest.topic)).toBe(before + 1);
    // For the report.
    process.stdout.write(`ingest attack suite: ${all.length} hostile cases + flood cases below\n`);
  });

  it('refuses duplicated webhook headers (sent raw: fetch would merge them itself)', async () => {
    const body = validSigned();
    const { port } = new URL(ingest.url);
    const response = await new Promise<string>((resolve, reject) => {
      const sock = net.connect(Number(port), '127.0.0.1', () => {
        sock.write(
          `POST /webhooks/signed/erp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n` +
            `webhook-id: a\r\nwebhook-id: b\r\nwebhook-timestamp: ${nowS()}\r\nwebhook-signature: v1,AAAA\r\n` +
            `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
        );
      });
      let text = '';
      sock.on('data', (d: Buffer) => (text += d.toString()));
      sock.on('end', () => resolve(text));
      sock.on('error', reject);
    });
    expect(response.startsWith('HTTP/1.1 401')).toBe(true);
  });
});

describe('attack suite: the failed-authentication lockout', () => {
  let small: TestIngest;
  beforeAll(async () => {
    small = await startIngest({
      config: { authFailuresPerMinute: LOCKOUT_BUDGET, trustProxy: ['loopback'] },
    });
  });
  afterAll(async () => {
    await small.close();
  });

  const expectLockedOut = (a: Answer) => {
    expect(a).toMatchObject({ status: 429, code: 'TOO_MANY_AUTH_FAILURES' });
    expect(Number(a.retryAfter)).toBeGreaterThanOrEqual(1);
    expect(Number(a.retryAfter)).toBeLessThanOrEqual(60);
  };
  const budgetOf404s = Array<number>(LOCKOUT_BUDGET).fill(404);

  it('behind one proxy address a guesser is locked out, and the real CRM and signed senders are still served', async () => {
    // No X-Forwarded-For: everyone is 127.0.0.1, as everyone is the proxy's address behind a proxy.
    expect(await exhaust(small.url, undefined)).toEqual(budgetOf404s);
    expectLockedOut(await wrongSecret(small.url));
    expectLockedOut(await badSignature(small.url));
    expectLockedOut(await unknownSender(small.url));

    const accepted = [
      await validCrm(small.url, GUIDS[120]!),
      await validCrm(small.url, GUIDS[121]!, { post: true }),
      await validSignedWebhook(small.url, '9120'),
    ];
    expect(accepted.map((a) => a.status)).toEqual([202, 202, 202]);
    // Being served lifts nothing for the guesser sharing the address.
    expectLockedOut(await wrongSecret(small.url));

    // Exactly the accepted requests are in Kafka, each under its own key; no refused one is.
    const events = await readTopic(small.topic, small.codec);
    expect(events.map((e) => e.event.eventId).sort()).toEqual(accepted.map((a) => a.eventId).sort());
    expect(events.map((e) => e.key).sort()).toEqual(
      [`crm:${GUIDS[120]}`, `crm:${GUIDS[121]}`, 'siagh:9120'].sort(),
    );
  });

  it('IPv6 failures are counted per /64: a fresh /128 in a locked /64 is refused, the next /64 is not', async () => {
    const before = await topicEnd(small.kafka, small.topic);
    const sameNet = [
      '2001:db8:aa:1::1',
      '2001:db8:aa:1::2',
      '2001:db8:aa:1:8000::3',
      '2001:db8:aa:1:1:2:3:4',
    ];
    expect(await exhaust(small.url, sameNet)).toEqual(budgetOf404s);
    expectLockedOut(await wrongSecret(small.url, '2001:db8:aa:1:ffff:ffff:ffff:fffe'));
    expect((await wrongSecret(small.url, '2001:db8:aa:2::1')).status).toBe(404);
    expect(await topicEnd(small.kafka, small.topic)).toBe(before);
    // The locked /64 still gets its valid notices through.
    const ok = await validCrm(small.url, GUIDS[122]!, { address: '2001:db8:aa:1::1' });
    expect(ok.status).toBe(202);
    expect(await topicEnd(small.kafka, small.topic)).toBe(before + 1);
  });

  it('an IPv4 client is one budget as IPv4 or IPv4-mapped IPv6; the next address has its own', async () => {
    const before = await topicEnd(small.kafka, small.topic);
    expect(await exhaust(small.url, ['198.51.100.7', '::ffff:198.51.100.7'])).toEqual(budgetOf404s);
    expectLockedOut(await wrongSecret(small.url, '198.51.100.7'));
    expectLockedOut(await badSignature(small.url, '::ffff:198.51.100.7'));
    expect((await wrongSecret(small.url, '198.51.100.8')).status).toBe(404);
    expect(await topicEnd(small.kafka, small.topic)).toBe(before);
  });
});
