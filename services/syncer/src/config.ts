import os from 'node:os';
import { z } from 'zod';
import { infraEnv, parseEnv } from '@siaghsync/shared/config';
import { operatorEventKey } from '@siaghsync/shared/operator/signature';

const schema = z.object({
  ...infraEnv,
  // 0 = any free port (tests run several instances side by side).
  SYNCER_PORT: z.coerce.number().int().min(0).max(65535).default(7202),
  // 127.0.0.1 unless told otherwise (a container sets 0.0.0.0): health and metrics are not for the world.
  SYNCER_HOST: z.string().min(1).default('127.0.0.1'),
  SYNCER_GROUP_ID: z.string().min(1).default('siaghsync-syncer'),
  SYNCER_ROUTER_GROUP_ID: z.string().min(1).default('siaghsync-router'),
  /**
   * Stable per instance (a restarted instance fences its previous incarnation's open transactions);
   * two instances must differ. Default: host name.
   */
  SYNCER_INSTANCE_ID: z
    .string()
    .regex(/^[\w.-]+$/, 'letters, digits, dot, underscore or dash')
    .default(os.hostname()),
  /** Entities processed at once per partition batch (events of one entity are always sequential). */
  SYNCER_MAX_IN_FLIGHT: z.coerce.number().int().min(1).max(256).default(16),
  /** Events per Kafka transaction: smaller = less re-run after a crash, larger = fewer commits. */
  SYNCER_COMMIT_EVERY: z.coerce.number().int().min(1).max(10_000).default(64),
  /**
   * The same for the import's lanes: short, because a live event of an entity in a bulk chunk waits for
   * it. More in flight (64 entities a chunk) made an import with its rate limits lifted 10% faster and a
   * rate-limited one's live changes 5x slower: the extra calls only queue in the limiters.
   */
  SYNCER_BULK_COMMIT_EVERY: z.coerce.number().int().min(1).max(10_000).default(16),
  SYNCER_PARTITIONS_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(3),
  /** Attempts of one event on transient errors before it is parked on its entity for a later retry. */
  SYNCER_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(5),
  SYNCER_RETRY_BASE_MS: z.coerce.number().int().min(10).default(500),
  SYNCER_RETRY_MAX_MS: z.coerce.number().int().min(100).default(30_000),
  /** Parked entities are retried after this delay. */
  SYNCER_PARK_RETRY_MS: z.coerce.number().int().min(100).default(60_000),
  /** A partition that holds events but commits nothing for this long counts as stalled (metrics, /ready). */
  SYNCER_STALL_AFTER_MS: z.coerce.number().int().min(1_000).max(3_600_000).default(60_000),
  /**
   * A Siagh import event may wait this long for the CRM import's event of its counterpart, which links
   * the pair without a CRM call (reads/awaitCounterpart.ts); then it reads. 0: never wait.
   */
  /** At start-up, how long to wait for the poller to read the mapping alike before refusing (kafka/mappingGuard.ts). */
  SYNCER_MAPPING_WAIT_MS: z.coerce.number().int().min(0).max(3_600_000).default(60_000),
  SYNCER_COUNTERPART_WAIT_MS: z.coerce.number().int().min(0).max(86_400_000).default(600_000),
  /**
   * The group evicts a member that sends no heartbeat for this long. Heartbeats continue during slow
   * target calls, so a 40-second call does not cost the member its partitions.
   */
  SYNCER_SESSION_TIMEOUT_MS: z.coerce.number().int().min(6_000).max(300_000).default(30_000),
  /**
   * The import's events share list reads (reads/): Siagh's GetAll and the CRM's identity list, each made
   * at most this often, used while younger than the max age; 0 = every event reads its own records.
   */
  SYNCER_LIST_READ_MIN_INTERVAL_MS: z.coerce.number().int().min(0).default(2_000),
  SYNCER_LIST_READ_MAX_AGE_MS: z.coerce.number().int().min(1_000).default(15_000),
  /**
   * The share of time each list's reads may take: a list that takes 3 s to read (a GetAll of 100,000
   * contacts) is read at most every 30 s at 0.1, and serves for twice that.
   */
  SYNCER_LIST_READ_BUDGET: z.coerce.number().min(0.01).max(1).default(0.1),
  SYNCER_LIST_READS: z.enum(['on', 'off']).default('on'),
  SYNCER_CRM_LIST_PAGE_SIZE: z.coerce.number().int().min(1).max(10_000).default(500),
  /** Records of the events just handled kept to serve the events after them (the other side of a pair). */
  SYNCER_RECORDS_KEPT: z.coerce.number().int().min(0).default(20_000),
  SYNC_CONFIG_PATH: z.string().optional(),
  /**
   * The key operator events (resolutions, redrives) are signed with by the projector; an event without a
   * valid signature is dead-lettered, never applied. Unset: no operator event is accepted.
   */
  OPERATOR_EVENT_KEY: operatorEventKey.optional(),
});

export type SyncerConfig = z.infer<typeof schema>;

export function loadSyncerConfig(env: NodeJS.ProcessEnv = process.env): SyncerConfig {
  return parseEnv(schema, env, 'syncer');
}
