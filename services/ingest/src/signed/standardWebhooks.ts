import { createHmac, timingSafeEqual } from 'node:crypto';

// Standard Webhooks (standardwebhooks.com) verification, pure: headers + raw body + keys + now in,
// a verdict out. Signed content is `${webhook-id}.${webhook-timestamp}.${body}`, HMAC-SHA256, base64;
// `webhook-signature` is a space-separated list of `v1,<base64>` (a sender signs with every active
// secret during a rotation, we accept any of our active keys).

export interface SignedHeaders {
  id: string | undefined;
  timestamp: string | undefined;
  signature: string | undefined;
}

export type VerifyFailure =
  'MISSING_HEADERS' | 'INVALID_HEADERS' | 'TIMESTAMP_TOO_OLD' | 'TIMESTAMP_IN_FUTURE' | 'BAD_SIGNATURE';

export type VerifyResult =
  { ok: true; id: string; timestampS: number; keyIndex: number } | { ok: false; reason: VerifyFailure };

const ID_RE = /^[\x21-\x7E]{1,256}$/; // printable ASCII, no spaces: it is part of the signed content
const TIMESTAMP_RE = /^\d{1,12}$/;
const MAX_SIGNATURES = 16;

export function sign(key: Buffer, id: string, timestampS: number, body: string | Buffer): string {
  const h = createHmac('sha256', key);
  h.update(`${id}.${timestampS}.`);
  h.update(body);
  return h.digest('base64');
}

export function verifyStandardWebhook(
  headers: SignedHeaders,
  body: Buffer,
  keys: readonly Buffer[],
  nowMs: number,
  toleranceS: number,
): VerifyResult {
  const { id, timestamp, signature } = headers;
  if (!id || !timestamp || !signature) return { ok: false, reason: 'MISSING_HEADERS' };
  if (!ID_RE.test(id) || !TIMESTAMP_RE.test(timestamp) || signature.length > 4096) {
    return { ok: false, reason: 'INVALID_HEADERS' };
  }
  const timestampS = Number(timestamp);
  const nowS = Math.floor(nowMs / 1000);
  if (timestampS < nowS - toleranceS) return { ok: false, reason: 'TIMESTAMP_TOO_OLD' };
  if (timestampS > nowS + toleranceS) return { ok: false, reason: 'TIMESTAMP_IN_FUTURE' };

  const offered: Buffer[] = [];
  for (const part of signature.split(' ').slice(0, MAX_SIGNATURES)) {
    const comma = part.indexOf(',');
    if (comma < 0 || part.slice(0, comma) !== 'v1') continue; // other schemes (v1a) are not ours
    const sig = Buffer.from(part.slice(comma + 1), 'base64');
    if (sig.length === 32) offered.push(sig);
  }
  // Every key against every offered signature, without stopping early: the time taken must not
  // tell which key (or whether any) matched.
  let matched = -1;
  keys.forEach((key, index) => {
    const expected = createHmac('sha256', key).update(`${id}.${timestampS}.`).update(body).digest();
    for (const sig of offered) if (timingSafeEqual(expected, sig) && matched < 0) matched = index;
  });
  if (matched < 0) return { ok: false, reason: 'BAD_SIGNATURE' };
  return { ok: true, id, timestampS, keyIndex: matched };
}
