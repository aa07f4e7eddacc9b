import { isIP } from 'node:net';
import { z } from 'zod';
import {
  infraEnv,
  isPlaceholderSecret,
  parseEnv,
  envPort,
  PLACEHOLDER_SECRET_MESSAGE,
} from '@siaghsync/shared/config';

// The ingest service's own environment. Parsed once in main.ts; a bad value lists every bad variable.

/** Secrets in a URL path: long enough not to be guessed, and only characters a URL carries verbatim. */
const PATH_SECRET_RE = /^[A-Za-z0-9._~-]{16,256}$/;
/** A signed sender's name is a path segment and a metric/rate-limit key. */
const SENDER_NAME_RE = /^[a-z0-9][a-z0-9-]{0,31}$/;

const commaList = z.string().transform((s) =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x !== ''),
);

const positiveInt = (fallback: number, max = Number.MAX_SAFE_INTEGER) =>
  z.coerce.number().int().min(1).max(max).default(fallback);

/** `a.b.c.d`, `a.b.c.d/nn`, an IPv6 address or `v6/nn`. */
function isAddressOrCidr(entry: string): boolean {
  const [addr, bits, extra] = entry.split('/');
  if (extra !== undefined || addr === undefined) return false;
  const family = isIP(addr);
  if (family === 0) return false;
  if (bits === undefined) return true;
  if (!/^\d{1,3}$/.test(bits)) return false;
  return Number(bits) <= (family === 4 ? 32 : 128);
}

/** Standard Webhooks secrets are `whsec_` + base64 of the key; the key must carry at least 128 bits. */
function decodeSigningSecret(secret: string): Buffer | undefined {
  if (!secret.startsWith('whsec_')) return undefined;
  const b64 = secret.slice('whsec_'.length);
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) return undefined;
  const key = Buffer.from(b64, 'base64');
  return key.length >= 16 && key.length <= 128 ? key : undefined;
}

export const ingestEnvSchema = z
  .object({
    ...infraEnv,
    INGEST_HOST: z.string().min(1).default('127.0.0.1'),
    INGEST_PORT: envPort(7201),
    /** One secret (the name npm start and older setups use)... */
    CRM_WEBHOOK_SECRET: z
      .string()
      .regex(PATH_SECRET_RE, '16-256 characters of A-Z a-z 0-9 . _ ~ -')
      .refine((s) => !isPlaceholderSecret(s), PLACEHOLDER_SECRET_MESSAGE)
      .optional(),
    /** ...and/or several, comma-separated, so a new secret can be rolled out before the old one is removed. */
    CRM_WEBHOOK_SECRETS: commaList
      .refine(
        (l) => l.every((s) => PATH_SECRET_RE.test(s)),
        'each secret: 16-256 characters of A-Z a-z 0-9 . _ ~ -',
      )
      .refine((l) => !l.some(isPlaceholderSecret), `one of them is ${PLACEHOLDER_SECRET_MESSAGE}`)
      .optional(),
    /** Optional: addresses or CIDR ranges the CRM calls from; empty = any address (the secret still applies). */
    CRM_WEBHOOK_ALLOWED_IPS: commaList
      .refine((l) => l.every(isAddressOrCidr), 'expected IP[/bits][,IP[/bits]...]')
      .optional(),
    /** Standard Webhooks senders: `name:whsec_...` entries, comma-separated; repeat a name for rotation. */
    INGEST_SIGNING_SECRETS: commaList
      .refine(
        (l) =>
          l.every((e) => {
            const i = e.indexOf(':');
            return (
              i > 0 && SENDER_NAME_RE.test(e.slice(0, i)) && decodeSigningSecret(e.slice(i + 1)) !== undefined
            );
          }),
        'expected name:whsec_<base64 key of 16-128 bytes>[,...]; names: a-z 0-9 -',
      )
      // A key is bytes, so a key that is text is read as text too (whsec_ of "change-me..."). Only then:
      // random bytes often hold no letter or digit, which as text would look like a placeholder.
      .refine(
        (l) =>
          !l.some((e) => {
            const secret = e.slice(e.indexOf(':') + 1);
            const key = decodeSigningSecret(secret);
            const text = key?.toString('latin1');
            return (
              isPlaceholderSecret(secret.slice('whsec_'.length)) ||
              (text !== undefined && /^[\x20-\x7e]+$/.test(text) && isPlaceholderSecret(text))
            );
          }),
        `one of them is ${PLACEHOLDER_SECRET_MESSAGE}`,
      )
      .optional(),
    /** Express "trust proxy": unset/false = use the socket address; a hop count or a list of proxy addresses. */
    INGEST_TRUST_PROXY: z
      .string()
      .default('false')
      .refine(
        (v) =>
          v === 'false' ||
          /^\d{1,2}$/.test(v) ||
          v
            .split(',')
            .every(
              (x) => isAddressOrCidr(x.trim()) || ['loopback', 'linklocal', 'uniquelocal'].includes(x.trim()),
            ),
        'false, a hop count, or proxy addresses/CIDRs',
      ),
    INGEST_BODY_LIMIT_BYTES: positiveInt(16_384, 10 * 1024 * 1024),
    /** Per authenticated source (the CRM, each signed sender): requests per window. */
    INGEST_RATE_LIMIT_POINTS: positiveInt(1000),
    INGEST_RATE_LIMIT_WINDOW_MS: positiveInt(1000, 3_600_000),
    /** Failed authentications per address (IPv4, IPv6 /64) per minute before its failures get 429 for a minute. */
    INGEST_AUTH_FAILURES_PER_MINUTE: positiveInt(30),
    INGEST_PRODUCE_TIMEOUT_MS: positiveInt(2000, 60_000),
    /** Produces waiting for Kafka at once; beyond it requests get 503 instead of piling up in memory. */
    INGEST_MAX_IN_FLIGHT: positiveInt(2000),
    INGEST_RETRY_AFTER_S: positiveInt(5, 3600),
    /** Notifications of one CRM record with the same event inside this window share an event id (0 = never). */
    INGEST_CRM_DEDUP_WINDOW_MS: z.coerce.number().int().min(0).max(60_000).default(1000),
    INGEST_SIGNED_TOLERANCE_S: positiveInt(300, 3600),
    INGEST_SHUTDOWN_TIMEOUT_MS: positiveInt(10_000, 120_000),
  })
  .superRefine((env, ctx) => {
    const crm = (env.CRM_WEBHOOK_SECRET ? 1 : 0) + (env.CRM_WEBHOOK_SECRETS?.length ?? 0);
    if (crm === 0 && (env.INGEST_SIGNING_SECRETS?.length ?? 0) === 0) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['CRM_WEBHOOK_SECRET'],
        message:
          'set CRM_WEBHOOK_SECRET(S) or INGEST_SIGNING_SECRETS: without either no webhook can be accepted',
      });
    }
  });

export type IngestEnv = z.infer<typeof ingestEnvSchema>;

/** What the HTTP app needs, in the shape it needs it (tests build this directly). */
export interface IngestHttpConfig {
  crmSecrets: string[];
  crmAllowedIps: string[];
  /** sender name -> decoded HMAC keys, every one accepted (rotation) */
  signingKeys: Map<string, Buffer[]>;
  trustProxy: boolean | number | string[];
  bodyLimitBytes: number;
  rateLimit: { points: number; windowMs: number };
  authFailuresPerMinute: number;
  retryAfterS: number;
  crmDedupWindowMs: number;
  signedToleranceS: number;
}

export interface IngestConfig {
  env: IngestEnv;
  http: IngestHttpConfig;
}

export function loadConfig(env: NodeJS.ProcessEnv): IngestConfig {
  const e = parseEnv(ingestEnvSchema, env, 'ingest');
  const signingKeys = new Map<string, Buffer[]>();
  for (const entry of e.INGEST_SIGNING_SECRETS ?? []) {
    const i = entry.indexOf(':');
    const name = entry.slice(0, i);
    const key = decodeSigningSecret(entry.slice(i + 1));
    if (key) signingKeys.set(name, [...(signingKeys.get(name) ?? []), key]);
  }
  const tp = e.INGEST_TRUST_PROXY;
  return {
    env: e,
    http: {
      crmSecrets: [
        ...new Set([
          ...(e.CRM_WEBHOOK_SECRET ? [e.CRM_WEBHOOK_SECRET] : []),
          ...(e.CRM_WEBHOOK_SECRETS ?? []),
        ]),
      ],
      crmAllowedIps: e.CRM_WEBHOOK_ALLOWED_IPS ?? [],
      signingKeys,
      trustProxy: tp === 'false' ? false : /^\d+$/.test(tp) ? Number(tp) : tp.split(',').map((x) => x.trim()),
      bodyLimitBytes: e.INGEST_BODY_LIMIT_BYTES,
      rateLimit: { points: e.INGEST_RATE_LIMIT_POINTS, windowMs: e.INGEST_RATE_LIMIT_WINDOW_MS },
      authFailuresPerMinute: e.INGEST_AUTH_FAILURES_PER_MINUTE,
      retryAfterS: e.INGEST_RETRY_AFTER_S,
      crmDedupWindowMs: e.INGEST_CRM_DEDUP_WINDOW_MS,
      signedToleranceS: e.INGEST_SIGNED_TOLERANCE_S,
    },
  };
}

export { decodeSigningSecret };
