import net from 'node:net';
import { crmUrl, startIngest, topicEnd, type TestIngest } from './helpers';
import { bodyCases } from './attack/bodyCases';
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

const cases = () => [...routingCases(), ...bodyCases(), ...signedCases()];

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
