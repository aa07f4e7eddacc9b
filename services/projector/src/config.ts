import { z } from 'zod';
import { envPort, envSecret, infraEnv, parseEnv } from '@siaghsync/shared/config';
import { REBUILD_FLUSH } from './runner/window';
import { operatorEventKey } from '@siaghsync/shared/operator/signature';
import { hostList } from './api/hosts';

// The projector's own variables only (STYLE 7); parsed once in main.ts.
const schema = z.object({
  ...infraEnv,
  MONGODB_URI: z
    .string()
    .regex(/^mongodb(\+srv)?:\/\//, 'expected a mongodb:// URI')
    .default('mongodb://127.0.0.1:27017/siaghsync'),
  PROJECTOR_PORT: envPort(7204),
  PROJECTOR_HOST: z.string().default('127.0.0.1'),
  /** Without it operator routes answer 503: a read-only deployment is a valid choice, not an error. */
  OPERATOR_TOKEN: envSecret().optional(),
  /** The read API's token (customer records); the operator token reads too. See the refinement below. */
  PROJECTOR_READ_TOKEN: envSecret().optional(),
  /** Host names (Host header, port stripped) the API answers to, besides the loopback names. */
  PROJECTOR_ALLOWED_HOSTS: hostList,
  /** Audit exports streaming at once; one more is refused (429) rather than queued behind them. */
  PROJECTOR_MAX_EXPORTS: z.coerce.number().int().min(1).max(20).default(2),
  /**
   * Signs the operator events this projector sends (resolutions, redrives); the syncer checks it with
   * its own copy and dead-letters what is unsigned. Unset: those actions answer 503.
   */
  OPERATOR_EVENT_KEY: operatorEventKey.optional(),
  /** Base of the versioned groups (`<id>.v<n>`); default `<TOPIC_PREFIX>siaghsync-projector`. */
  PROJECTOR_GROUP_ID: z
    .string()
    .regex(/^[a-zA-Z0-9._-]+$/)
    .optional(),
  /** The syncer instances whose /ready backlog makes the dashboard's freshness headline (comma-separated). */
  SYNCER_URLS: z
    .string()
    .default('')
    .transform((v, ctx) => {
      const urls = v
        .split(',')
        .map((u) => u.trim())
        .filter(Boolean);
      for (const u of urls)
        if (!URL.canParse(u) || !/^https?:$/.test(new URL(u).protocol))
          ctx.addIssue({ code: 'custom', message: `not an http(s) URL: ${u}` });
      return urls;
    }),
  /**
   * The syncer's retry interval of a parked entity (the same variable as the syncer's): the waiting-work
   * list tells a retrying entity's next attempt with it.
   */
  SYNCER_PARK_RETRY_MS: z.coerce.number().int().min(100).default(60_000),
  /** Consumer groups whose lag the dashboard shows (name prefix). */
  PROJECTOR_LAG_GROUP_PREFIX: z.string().default('siaghsync'),
  /** How often every group's offsets are read (dashboard open or not), to see groups that stand still. */
  PROJECTOR_LAG_SAMPLE_MS: z.coerce.number().int().min(1_000).max(300_000).default(10_000),
  /** A group's partition with lag whose committed offset has not moved for this long is stalled. */
  PROJECTOR_STALL_AFTER_MS: z.coerce.number().int().min(5_000).max(3_600_000).default(60_000),
  /** A rebuild writes its views in windows of this many events or this many ms, whichever comes first. */
  PROJECTOR_REBUILD_FLUSH_EVENTS: z.coerce.number().int().min(1).default(REBUILD_FLUSH.maxEvents),
  PROJECTOR_REBUILD_FLUSH_MS: z.coerce.number().int().min(1).default(REBUILD_FLUSH.maxAgeMs),
  /**
   * How long the group waits for a silent member. A projector killed without leaving its groups
   * holds them this long: a restart resumes only after it. Writing a window does not need it to be long
   * (the runner heartbeats while it writes).
   */
  PROJECTOR_SESSION_TIMEOUT_MS: z.coerce.number().int().min(6_000).max(300_000).default(10_000),
  /** The writer's lease: a crashed writer is replaced by a standby instance after at most this long. */
  PROJECTOR_LEASE_MS: z.coerce.number().int().min(3_000).max(300_000).default(10_000),
  /**
   * The views' query indexes. auto: created when the database reads them (MongoDB), not when its explain
   * says it never does (FerretDB's SQLite backend), where they would only slow every write.
   */
  PROJECTOR_SECONDARY_INDEXES: z.enum(['auto', 'on', 'off']).default('auto'),
  /** Database name when MONGODB_URI names none. */
  PROJECTOR_DB: z
    .string()
    .regex(/^[a-zA-Z0-9_-]+$/)
    .optional(),
});

// Customer records are never served without a token, whatever the listen address: a loopback
// listener is still open to every local user and process. With only OPERATOR_TOKEN, reads need it.
const withToken = schema.superRefine((c, ctx) => {
  if (!c.PROJECTOR_READ_TOKEN && !c.OPERATOR_TOKEN)
    ctx.addIssue({
      code: 'custom',
      path: ['PROJECTOR_READ_TOKEN'],
      message:
        'required: the read API serves customer records and needs a token (16+ characters; npm start generates one), or set OPERATOR_TOKEN so that only operators read',
    });
  if (c.PROJECTOR_READ_TOKEN && c.PROJECTOR_READ_TOKEN === c.OPERATOR_TOKEN)
    ctx.addIssue({
      code: 'custom',
      path: ['PROJECTOR_READ_TOKEN'],
      message: 'must differ from OPERATOR_TOKEN: whoever holds the read token could act as an operator',
    });
});

export type ProjectorConfig = z.infer<typeof schema> & { PROJECTOR_GROUP_ID: string };

export function loadConfig(env: NodeJS.ProcessEnv = process.env): ProjectorConfig {
  const cfg = parseEnv(withToken, env, 'projector');
  // Prefixed like every other group: two deployments on one cluster must not share the projector's
  // group (its members would be handed each other's partitions), and a demo run's group must not
  // keep the offsets of earlier runs' topics (they showed as lag in `syncctl status`).
  return { ...cfg, PROJECTOR_GROUP_ID: cfg.PROJECTOR_GROUP_ID ?? `${cfg.TOPIC_PREFIX}siaghsync-projector` };
}
