import net from 'node:net';
import { gzipSync } from 'node:zlib';
import { sign } from '../src/signed/standardWebhooks';
import {
  CRM_SECRET,
  GUIDS,
  SIGNING_KEY,
  crmUrl,
  readTopic,
  startIngest,
  topicEnd,
  type TestIngest,
} from './helpers';

// Hostile and broken input. Each case gets the right status, the service stays up, and nothing of the
// input is reflected or produced. The case count is printed for the report.

const G = GUIDS[50]!;
const OK = { event: 'Update', id: G, type: 'Identity', subtype: 'مخاطب حقیقی' };
const MARKERS = ['<script>', '__proto__', 'polluted', CRM_SECRET, 'x'.repeat(200)];

interface Case {
  name: string;
  path: string;
  init?: RequestInit & { rawHeaders?: [string, string][] };
  status: number;
  code?: string;
  field?: string;
}

const nowS = () => Math.floor(Date.now() / 1000);
function signedInit(
  raw: string | Buffer,
  opts: { id?: string; ts?: number; key?: Buffer; sigBody?: string; scheme?: string; type?: string } = {},
): RequestInit {
  const id = opts.id ?? `msg_${Math.random().toString(36).slice(2)}`;
  const ts = opts.ts ?? nowS();
  const sig = sign(opts.key ?? SIGNING_KEY, id, ts, opts.sigBody ?? raw);
  return {
    method: 'POST',
    headers: {
      'content-type': opts.type ?? 'application/json',
      'webhook-id': id,
      'webhook-timestamp': String(ts),
      'webhook-signature': `${opts.scheme ?? 'v1'},${sig}`,
    },
    body: raw,
  };
}
const validSigned = (over: object = {}, data: object = {}) =>
  JSON.stringify({
    type: 'customer.upsert',
    timestamp: new Date().toISOString(),
    data: { source: 'siagh', id: '77', ...data },
    ...over,
  });
const json = (body: unknown, type = 'application/json'): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': type },
  body: typeof body === 'string' ? body : JSON.stringify(body),
});
const q = (params: string) => `/webhooks/crm/${CRM_SECRET}?${params}`;
const okQuery = new URLSearchParams(OK).toString();

const REPLAY_BODY = validSigned({}, { id: '4242' });
const REPLAY_ID = 'msg_attack_replay';
const REPLAY_TS = nowS();

function cases(): Case[] {
  const crm = `/webhooks/crm/${CRM_SECRET}`;
  return [
    // --- secrets and routing
    {
      name: 'wrong secret',
      path: '/webhooks/crm/wrong-secret-0123456789?' + okQuery,
      status: 404,
      code: 'NOT_FOUND',
    },
    { name: 'missing secret', path: '/webhooks/crm/?' + okQuery, status: 404, code: 'NOT_FOUND' },
    { name: 'no secret segment', path: '/webhooks/crm?' + okQuery, status: 404, code: 'NOT_FOUND' },
    { name: 'secret prefix', path: `/webhooks/crm/${CRM_SECRET.slice(0, -1)}?` + okQuery, status: 404 },
    { name: 'secret plus a char', path: `/webhooks/crm/${CRM_SECRET}x?` + okQuery, status: 404 },
    {
      name: 'secret in upper case',
      path: `/webhooks/crm/${CRM_SECRET.toUpperCase()}?` + okQuery,
      status: 404,
    },
    { name: 'secret as query param', path: `/webhooks/crm?secret=${CRM_SECRET}&` + okQuery, status: 404 },
    { name: 'secret with trailing path', path: `/webhooks/crm/${CRM_SECRET}/extra?` + okQuery, status: 404 },
    { name: 'very long secret', path: `/webhooks/crm/${'s'.repeat(4000)}?` + okQuery, status: 404 },
    { name: 'PUT', path: q(okQuery), init: { method: 'PUT' }, status: 404 },
    { name: 'DELETE', path: q(okQuery), init: { method: 'DELETE' }, status: 404 },
    { name: 'PATCH', path: q(okQuery), init: { method: 'PATCH' }, status: 404 },
    { name: 'HEAD never produces', path: q(okQuery), init: { method: 'HEAD' }, status: 404 },
    { name: 'malformed %-escape in path', path: '/webhooks/crm/%E0%A4%A?' + okQuery, status: 400 },
    { name: 'path traversal', path: `/webhooks/crm/..%2F..%2Fhealth?` + okQuery, status: 404 },
    // --- malformed and hostile query fields
    {
      name: 'unknown type',
      path: q(new URLSearchParams({ ...OK, type: 'Ticket' }).toString()),
      status: 400,
      field: 'type',
    },
    {
      name: 'unknown event',
      path: q(new URLSearchParams({ ...OK, event: 'Upsert' }).toString()),
      status: 400,
      field: 'event',
    },
    {
      name: 'bad GUID',
      path: q(new URLSearchParams({ ...OK, id: '1 OR 1=1' }).toString()),
      status: 400,
      field: 'id',
    },
    { name: 'missing id', path: q('event=Update&type=Identity'), status: 400, field: 'id' },
    { name: 'empty query', path: q(''), status: 400 },
    { name: 'repeated field -> array', path: q(okQuery + '&event=Delete'), status: 400, field: 'event' },
    { name: 'bracket array key', path: q(okQuery + '&event[]=Delete'), status: 400, code: 'INVALID_INPUT' },
    { name: '__proto__ key', path: q(okQuery + '&__proto__=polluted'), status: 400 },
    { name: '__proto__[x] key', path: q(okQuery + '&__proto__[polluted]=1'), status: 400 },
    {
      name: 'constructor.prototype key',
      path: q(okQuery + '&constructor[prototype][polluted]=1'),
      status: 400,
    },
    {
      name: 'NUL in subtype',
      path: q(okQuery.replace(/subtype=[^&]*/, 'subtype=a%00b')),
      status: 400,
      field: 'subtype',
    },
    {
      name: 'CRLF in event',
      path: q(okQuery.replace('event=Update', 'event=Update%0D%0ASet-Cookie:%20x=1')),
      status: 400,
      field: 'event',
    },
    {
      name: 'C1 control in type',
      path: q(okQuery.replace('type=Identity', 'type=Identity%C2%85')),
      status: 400,
      field: 'type',
    },
    {
      name: 'script in type',
      path: q(okQuery.replace('type=Identity', 'type=%3Cscript%3Ealert(1)%3C%2Fscript%3E')),
      status: 400,
      field: 'type',
    },
    {
      name: '5000-char subtype',
      path: q(okQuery.replace(/subtype=[^&]*/, `subtype=${'x'.repeat(5000)}`)),
      status: 400,
      field: 'subtype',
    },
    { name: '20 kB URL', path: q(okQuery + `&pad=${'x'.repeat(20_000)}`), status: 431 },
    // --- bodies
    {
      name: 'JSON __proto__',
      path: crm,
      init: json(`{"event":"Update","id":"${G}","type":"Identity","__proto__":{"polluted":true}}`),
      status: 400,
    },
    {
      name: 'JSON constructor.prototype',
      path: crm,
      init: json({ ...OK, constructor: { prototype: { polluted: true } } }),
      status: 400,
    },
    {
      name: 'JSON event as array',
      path: crm,
      init: json({ ...OK, event: ['Update'] }),
      status: 400,
      field: 'event',
    },
    {
      name: 'JSON event as object',
      path: crm,
      init: json({ ...OK, event: { $ne: null } }),
      status: 400,
      field: 'event',
    },
    { name: 'JSON id as number', path: crm, init: json({ ...OK, id: 12345 }), status: 400, field: 'id' },
    { name: 'JSON null field', path: crm, init: json({ ...OK, type: null }), status: 400, field: 'type' },
    {
      name: 'JSON deep nesting',
      path: crm,
      init: json(`{"event":${'['.repeat(3000)}${']'.repeat(3000)}}`),
      status: 400,
    },
    {
      name: 'malformed JSON',
      path: crm,
      init: json('{"event":"Update",'),
      status: 400,
      code: 'INVALID_JSON',
    },
    { name: 'JSON array body', path: crm, init: json([OK]), status: 400 },
    { name: 'JSON string body', path: crm, init: json('"Update"'), status: 400 },
    {
      name: 'oversize JSON (20 kB)',
      path: crm,
      init: json({ ...OK, subtype: 'x'.repeat(20_000) }),
      status: 413,
      code: 'BODY_TOO_LARGE',
    },
    {
      name: 'oversize form',
      path: crm,
      init: json(`${okQuery}&pad=${'x'.repeat(20_000)}`, 'application/x-www-form-urlencoded'),
      status: 413,
    },
    {
      name: 'too many form fields',
      path: crm,
      init: json(
        Array.from({ length: 40 }, (_, i) => `f${i}=1`).join('&'),
        'application/x-www-form-urlencoded',
      ),
      status: 413,
    },
    {
      name: 'form __proto__',
      path: crm,
      init: json(`${okQuery}&__proto__=polluted`, 'application/x-www-form-urlencoded'),
      status: 400,
    },
    {
      name: 'form repeated field',
      path: crm,
      init: json(`${okQuery}&id=${G}`, 'application/x-www-form-urlencoded'),
      status: 400,
      field: 'id',
    },
    {
      name: 'gzip bomb-ish garbage',
      path: crm,
      init: {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
        body: Buffer.from('not gzip at all'),
      },
      status: 400,
    },
    {
      name: 'gzip over the limit inflated',
      path: crm,
      init: {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
        body: gzipSync(JSON.stringify({ ...OK, subtype: 'x'.repeat(200_000) })),
      },
      status: 413,
    },
    {
      name: 'unknown content-encoding',
      path: crm,
      init: {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-encoding': 'br2' },
        body: '{}',
      },
      status: 415,
    },
    {
      name: 'text/plain',
      path: crm,
      init: json(JSON.stringify(OK), 'text/plain'),
      status: 415,
      code: 'UNSUPPORTED_MEDIA_TYPE',
    },
    {
      name: 'application/xml',
      path: crm,
      init: json('<event>Update</event>', 'application/xml'),
      status: 415,
    },
    {
      name: 'multipart',
      path: crm,
      init: json('--b\r\n\r\nx\r\n--b--', 'multipart/form-data; boundary=b'),
      status: 415,
    },
    {
      name: 'JSON in latin1',
      path: crm,
      init: json(JSON.stringify(OK), 'application/json; charset=latin1'),
      status: 415,
    },
    { name: 'query and body both', path: q(okQuery), init: json(OK), status: 400, code: 'AMBIGUOUS_INPUT' },
    // --- signed route
    { name: 'unknown sender', path: '/webhooks/signed/nobody', init: signedInit(validSigned()), status: 404 },
    { name: 'GET on signed route', path: '/webhooks/signed/erp', status: 404 },
    {
      name: 'no signature headers',
      path: '/webhooks/signed/erp',
      init: json(validSigned()),
      status: 401,
      code: 'SIGNATURE_MISSING',
    },
    {
      name: 'wrong key',
      path: '/webhooks/signed/erp',
      init: signedInit(validSigned(), { key: Buffer.alloc(32, 7) }),
      status: 401,
      code: 'SIGNATURE_INVALID',
    },
    {
      name: 'tampered body',
      path: '/webhooks/signed/erp',
      init: signedInit(validSigned({}, { id: '666' }), { sigBody: validSigned() }),
      status: 401,
    },
    {
      name: 'expired timestamp',
      path: '/webhooks/signed/erp',
      init: signedInit(validSigned(), { ts: nowS() - 301 }),
      status: 401,
      code: 'TIMESTAMP_OUT_OF_TOLERANCE',
    },
    {
      name: 'future timestamp',
      path: '/webhooks/signed/erp',
      init: signedInit(validSigned(), { ts: nowS() + 400 }),
      status: 401,
      code: 'TIMESTAMP_OUT_OF_TOLERANCE',
    },
    {
      name: 'unsupported scheme v1a',
      path: '/webhooks/signed/erp',
      init: signedInit(validSigned(), { scheme: 'v1a' }),
      status: 401,
    },
    {
      name: 'garbage signature',
      path: '/webhooks/signed/erp',
      init: {
        ...signedInit(validSigned()),
        headers: {
          'content-type': 'application/json',
          'webhook-id': 'm',
          'webhook-timestamp': String(nowS()),
          'webhook-signature': 'v1,%%%not-base64 v1,',
        },
      },
      status: 401,
    },
    {
      name: 'non-numeric timestamp',
      path: '/webhooks/signed/erp',
      init: {
        ...signedInit(validSigned()),
        headers: {
          'content-type': 'application/json',
          'webhook-id': 'm',
          'webhook-timestamp': '1e10',
          'webhook-signature': 'v1,AAAA',
        },
      },
      status: 401,
    },
    {
      name: 'replayed webhook (accepted once)',
      path: '/webhooks/signed/erp',
      init: signedInit(REPLAY_BODY, { id: REPLAY_ID, ts: REPLAY_TS }),
      status: 200,
    },
    {
      name: 'same webhook id, other body',
      path: '/webhooks/signed/erp',
      init: signedInit(validSigned({}, { id: '4343' }), { id: REPLAY_ID }),
      status: 409,
      code: 'WEBHOOK_ID_REUSED',
    },
    {
      name: 'signed invalid JSON',
      path: '/webhooks/signed/erp',
      init: signedInit('{"type":'),
      status: 400,
      code: 'INVALID_JSON',
    },
    {
      name: 'signed invalid UTF-8',
      path: '/webhooks/signed/erp',
      init: signedInit(Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d])),
      status: 400,
    },
    {
      name: 'signed extra field',
      path: '/webhooks/signed/erp',
      init: signedInit(validSigned({ extra: 1 })),
      status: 400,
    },
    {
      name: 'signed __proto__ attribute',
      path: '/webhooks/signed/erp',
      init: signedInit(
        `{"type":"customer.upsert","timestamp":"${new Date().toISOString()}","data":{"source":"siagh","id":"1","attributes":{"__proto__":"polluted"}}}`,
      ),
      status: 400,
      field: 'data.attributes',
    },
    {
      name: 'signed crm id not a GUID',
      path: '/webhooks/signed/erp',
      init: signedInit(validSigned({}, { source: 'crm', id: '42' })),
      status: 400,
      field: 'data.id',
    },
    {
      name: 'signed unknown type',
      path: '/webhooks/signed/erp',
      init: signedInit(validSigned({ type: 'customer.explode' })),
      status: 400,
      field: 'type',
    },
    {
      name: 'signed text/plain',
      path: '/webhooks/signed/erp',
      init: signedInit(validSigned(), { type: 'text/plain' }),
      status: 415,
    },
    { name: 'signed no body', path: '/webhooks/signed/erp', init: { method: 'POST' }, status: 400 },
    {
      name: 'signed oversize',
      path: '/webhooks/signed/erp',
      init: signedInit(validSigned({}, { attributes: { a: 'x'.repeat(20_000) } })),
      status: 413,
    },
  ];
}

/** Like fetch but able to send what fetch refuses (HEAD bodies, duplicate headers) and to read 431s. */
async function call(base: string, c: Case): Promise<{ status: number; body: string; headers: Headers }> {
  const res = await fetch(base + c.path, c.init);
  return { status: res.status, body: await res.text(), headers: res.headers };
}

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
