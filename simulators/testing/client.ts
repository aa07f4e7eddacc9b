import { createHash } from 'node:crypto';
import { request } from 'undici';

// Minimal HTTP helpers for the simulators' own tests (the real adapters live in shared/).

export interface Reply<T = unknown> {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: T;
}

export async function call<T = unknown>(
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  url: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Reply<T>> {
  const res = await request(url, {
    method,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const text = await res.body.text();
  const json = String(res.headers['content-type'] ?? '').includes('json');
  return {
    status: res.statusCode,
    headers: res.headers,
    body: (json && text ? JSON.parse(text) : text || undefined) as T,
  };
}

export const post = <T = unknown>(url: string, body?: unknown, headers?: Record<string, string>) =>
  call<T>('POST', url, body, headers);

export const md5Upper = (s: string) => createHash('md5').update(s).digest('hex').toUpperCase();

export async function crmLogin(
  url: string,
  username = 'admin',
  password = 'admin',
): Promise<Record<string, string>> {
  const r = await post<{ accessToken: string }>(`${url}/api/v2/auth/login`, {
    username,
    password,
    deviceId: 'test',
    platformType: 1,
    os: 'linux',
    osVersion: '6',
    token: null,
  });
  if (r.status !== 200) throw new Error(`CRM login failed: ${r.status}`);
  return { authorization: `Bearer ${r.body.accessToken}` };
}

export async function siaghLogin(
  url: string,
  username = 'admin',
  password = 'admin',
): Promise<Record<string, string>> {
  const r = await post<{ SessionId: string }>(`${url}/GeneralApi/LoginUser`, {
    UserName: username,
    Password: md5Upper(password),
  });
  if (r.status !== 200) throw new Error(`Siagh login failed: ${r.status}`);
  return { authorization: r.body.SessionId };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls until `check` returns true (no timing assertion: only a generous upper bound). */
export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await sleep(10);
  }
}
