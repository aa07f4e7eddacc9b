// The poller's own environment (see .env.example, section "Poller"). Parsed once in main.ts; a bad value
// exits with one message listing every bad variable. Adapter variables (CRM_*, SIAGH_*) are read by the
// adapters' own loaders, and only for the sources that are enabled.

import { z } from 'zod';
import { envPort, infraEnv, parseEnv } from '@siaghsync/shared/config';
import { operatorEventKey } from '@siaghsync/shared/operator/signature';
import type { SourceSystem } from '@siaghsync/shared/events';
import type { IntervalPolicy } from './interval';

const ms = (fallback: number) => z.coerce.number().int().positive().default(fallback);

export const pollerEnvSchema = z.object({
  ...infraEnv,
  POLLER_PORT: envPort(7203),
  /** Listen address of /health, /ready, /metrics; 0.0.0.0 in a container so Prometheus can scrape it. */
  POLLER_HOST: z.string().min(1).default('127.0.0.1'),
  POLLER_SOURCES: z
    .string()
    .default('crm,siagh')
    .transform((s) =>
      s
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean),
    )
    .refine(
      (l) => l.length > 0 && l.every((x) => x === 'crm' || x === 'siagh'),
      'expected a comma list of crm, siagh',
    )
    .transform((l) => [...new Set(l)] as SourceSystem[]),
  /** Unset = adaptive: from the measured cost of a GetAll against POLLER_SIAGH_LOAD_BUDGET (interval.ts). */
  POLLER_SIAGH_INTERVAL_MS: z.coerce.number().int().positive().optional(),
  POLLER_SIAGH_LOAD_BUDGET: z.coerce.number().gt(0).max(1).default(0.05),
  POLLER_SIAGH_MIN_INTERVAL_MS: ms(2_000),
  POLLER_SIAGH_MAX_INTERVAL_MS: ms(300_000),
  POLLER_CRM_INTERVAL_MS: ms(60_000),
  POLLER_JITTER: z.coerce.number().min(0).max(0.9).default(0.2),
  POLLER_BACKOFF_MAX_MS: ms(300_000),
  POLLER_CRM_RECONCILE_SWEEPS: z.coerce.number().int().min(1).default(10),
  POLLER_CRM_RECONCILE_MAX: z.coerce.number().int().min(0).default(1000),
  POLLER_CRM_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(8),
  POLLER_CRM_PAGE_SIZE: z.coerce.number().int().min(1).max(1000).default(100),
  POLLER_DELETE_MIN_RATIO: z.coerce.number().min(0).max(1).default(0.5),
  POLLER_CHUNK_SIZE: z.coerce.number().int().min(1).max(10_000).default(500),
  POLLER_LEADER_SESSION_MS: z.coerce.number().int().min(6000).max(300_000).default(10_000),
  /** Signs each snapshot (shared/src/operator/snapshotSignature.ts); unset, the syncer reads every record. */
  OPERATOR_EVENT_KEY: operatorEventKey.optional(),
});

export type PollerEnv = z.infer<typeof pollerEnvSchema>;

export interface PollerSettings {
  sources: SourceSystem[];
  siagh: IntervalPolicy;
  crm: {
    intervalMs: number;
    reconcileSweeps: number;
    reconcileMax: number;
    concurrency: number;
    pageSize: number;
  };
  jitter: number;
  backoffMaxMs: number;
  minRatio: number;
  chunkSize: number;
  leaderSessionMs: number;
  snapshotKey?: string | undefined;
}

export function toSettings(e: PollerEnv): PollerSettings {
  return {
    sources: e.POLLER_SOURCES,
    siagh: {
      fixedMs: e.POLLER_SIAGH_INTERVAL_MS,
      budget: e.POLLER_SIAGH_LOAD_BUDGET,
      minMs: e.POLLER_SIAGH_MIN_INTERVAL_MS,
      maxMs: Math.max(e.POLLER_SIAGH_MIN_INTERVAL_MS, e.POLLER_SIAGH_MAX_INTERVAL_MS),
    },
    crm: {
      intervalMs: e.POLLER_CRM_INTERVAL_MS,
      reconcileSweeps: e.POLLER_CRM_RECONCILE_SWEEPS,
      reconcileMax: e.POLLER_CRM_RECONCILE_MAX,
      concurrency: e.POLLER_CRM_CONCURRENCY,
      pageSize: e.POLLER_CRM_PAGE_SIZE,
    },
    jitter: e.POLLER_JITTER,
    backoffMaxMs: e.POLLER_BACKOFF_MAX_MS,
    minRatio: e.POLLER_DELETE_MIN_RATIO,
    chunkSize: e.POLLER_CHUNK_SIZE,
    leaderSessionMs: e.POLLER_LEADER_SESSION_MS,
    snapshotKey: e.OPERATOR_EVENT_KEY,
  };
}

export function loadPollerEnv(env: NodeJS.ProcessEnv = process.env): PollerEnv {
  return parseEnv(pollerEnvSchema, env, 'poller');
}
