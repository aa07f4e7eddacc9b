// Shared pieces of the ingest attack suite: the case shape, request builders and the replay fixture.
import { sign } from '../../src/signed/standardWebhooks';
import { CRM_SECRET, GUIDS, SIGNING_KEY } from '../helpers';

export const G = GUIDS[50]!;
export const OK = { event: 'Update', id: G, type: 'Identity', subtype: 'مخاطب حقیقی' };
export const MARKERS = [
  '<script>',
  '__proto__',
  'polluted',
  'constructor',
  'toString',
  'hasOwnProperty',
  'prototype',
  CRM_SECRET,
  'x'.repeat(200),
];

export interface Case {
  name: string;
  path: string;
  init?: RequestInit & { rawHeaders?: [string, string][] };
  status: number;
  code?: string;
  field?: string;
}

export const nowS = () => Math.floor(Date.now() / 1000);
export function signedInit(
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
export const validSigned = (over: object = {}, data: object = {}) =>
  JSON.stringify({
    type: 'customer.upsert',
    timestamp: new Date().toISOString(),
    data: { source: 'siagh', id: '77', ...data },
    ...over,
  });
export const json = (body: unknown, type = 'application/json'): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': type },
  body: typeof body === 'string' ? body : JSON.stringify(body),
});
export const q = (params: string) => `/webhooks/crm/${CRM_SECRET}?${params}`;
export const okQuery = new URLSearchParams(OK).toString();

export const REPLAY_BODY = validSigned({}, { id: '4242' });
export const REPLAY_ID = 'msg_attack_replay';
export const REPLAY_TS = nowS();

/** Like fetch but able to send what fetch refuses (HEAD bodies, duplicate headers) and to read 431s. */
export async function call(
  base: string,
  c: Case,
): Promise<{ status: number; body: string; headers: Headers }> {
  const res = await fetch(base + c.path, c.init);
  return { status: res.status, body: await res.text(), headers: res.headers };
}
