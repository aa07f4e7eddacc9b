// Requests of the lockout scenarios: failed and valid authentications, each from a chosen client
// address. The ingest under test trusts a loopback proxy, so X-Forwarded-For says who the client is;
// without it every request comes from 127.0.0.1, the way all traffic looks behind a single proxy.
import { CRM_SECRET, crmUrl } from '../helpers';
import { OK, signedInit, validSigned } from './shared';

export const LOCKOUT_BUDGET = 5;

export interface Answer {
  status: number;
  code: string | undefined;
  retryAfter: string | null;
  eventId: string | undefined;
}

const from = (address: string | undefined): Record<string, string> =>
  address === undefined ? {} : { 'x-forwarded-for': address };

async function answer(res: Response): Promise<Answer> {
  const body = (await res.json()) as { eventId?: string; error?: { code?: string } };
  return {
    status: res.status,
    code: body.error?.code,
    retryAfter: res.headers.get('retry-after'),
    eventId: body.eventId,
  };
}

let guess = 0;

/** A wrong CRM path secret (a fresh one each time, as a guesser sends). */
export async function wrongSecret(base: string, address?: string): Promise<Answer> {
  const secret = `guess-${++guess}-0123456789abcdef`;
  return answer(await fetch(crmUrl(base, OK, secret), { headers: from(address) }));
}

/** A signed webhook with a signature made with a key we do not have. */
export async function badSignature(base: string, address?: string): Promise<Answer> {
  const init = signedInit(validSigned(), { key: Buffer.alloc(32, 9) });
  return answer(
    await fetch(`${base}/webhooks/signed/erp`, {
      ...init,
      headers: { ...(init.headers as Record<string, string>), ...from(address) },
    }),
  );
}

export async function unknownSender(base: string, address?: string): Promise<Answer> {
  const init = signedInit(validSigned());
  return answer(
    await fetch(`${base}/webhooks/signed/nobody`, {
      ...init,
      headers: { ...(init.headers as Record<string, string>), ...from(address) },
    }),
  );
}

/** The real CRM's notice for record `id`, by GET (its usual form) or POST JSON. */
export async function validCrm(
  base: string,
  id: string,
  opts: { address?: string; post?: boolean } = {},
): Promise<Answer> {
  const fields = { ...OK, id };
  const res = opts.post
    ? await fetch(`${base}/webhooks/crm/${CRM_SECRET}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...from(opts.address) },
        body: JSON.stringify(fields),
      })
    : await fetch(crmUrl(base, fields), { headers: from(opts.address) });
  return answer(res);
}

/** A correctly signed webhook about Siagh record `code`. */
export async function validSignedWebhook(base: string, code: string, address?: string): Promise<Answer> {
  const init = signedInit(validSigned({}, { id: code }));
  return answer(
    await fetch(`${base}/webhooks/signed/erp`, {
      ...init,
      headers: { ...(init.headers as Record<string, string>), ...from(address) },
    }),
  );
}

/** Spends an address's whole failure budget; every one of those must still get the route's own refusal. */
export async function exhaust(base: string, addresses: readonly string[] | undefined): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < LOCKOUT_BUDGET; i++) {
    const address = addresses === undefined ? undefined : addresses[i % addresses.length];
    statuses.push((await wrongSecret(base, address)).status);
  }
  return statuses;
}
