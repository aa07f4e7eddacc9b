import type { PauseFlag } from '@siaghsync/shared/operator/pause';
import type { Response } from 'express';
import type { Db } from 'mongodb';
import type { ZodTypeAny, z } from 'zod';
import type { Logger } from '@siaghsync/shared/logger';
import type { WorkEvent } from '@siaghsync/shared/events';
import type { BuildProgress } from '../runner/projector';
import type { Freshness } from '../freshness';
import type { PartitionLag } from '@siaghsync/shared/kafka/lag';
import type { GroupHealth } from '@siaghsync/shared/kafka/stalls';
import type { Slots } from './slots';

export interface LagReport {
  /** When the offsets were read (ms since the epoch). */
  sampledAt: number;
  stallAfterSeconds: number;
  groups: GroupHealth[];
  /** committed null: the group has committed nothing there yet (all of it is lag). */
  partitions: PartitionLag[];
}

export interface ApiContext {
  db: Db;
  logger: Logger;
  operatorToken: string | undefined;
  /** Unset: reads take the operator token only (config refuses neither being set). */
  readToken: string | undefined;
  /** Audit exports streaming now, at most PROJECTOR_MAX_EXPORTS. */
  exportSlots: Slots;
  /** Produces to `work` with the idempotent producer, keyed by canonical key; resolves once acknowledged. */
  sendWork(event: WorkEvent): Promise<void>;
  /** Produces a signed pause flag to `control` (shared/src/operator/pause.ts); resolves once acknowledged. */
  sendPause(flag: PauseFlag): Promise<void>;
  projector: {
    rebuild(): Promise<BuildProgress>;
    progress(): BuildProgress | null;
    liveVersion: number | null;
    /** False on a standby instance: it serves reads, another instance writes the views. */
    active: boolean;
  };
  lag(): Promise<LagReport>;
  /** How far behind the syncers are (their /ready backlog). */
  freshness(): Promise<Freshness>;
  /** The syncer's SYNCER_PARK_RETRY_MS: when a retrying entity is tried next (default 60 s). */
  parkRetryMs?: number;
}

/** Thrown by handlers to answer with a status; anything else is a 500 without details. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface RouteDef<Q extends ZodTypeAny = ZodTypeAny, B extends ZodTypeAny = ZodTypeAny> {
  method: 'get' | 'post';
  /** Express syntax (`/api/conflicts/:conflictId`); the OpenAPI document converts it. */
  path: string;
  summary: string;
  /** What the summary has no room for (an export's columns). */
  description?: string;
  tag: string;
  query?: Q;
  body?: B;
  operator?: boolean;
  /** Media types other than JSON this route can answer with. */
  produces?: string[];
  /** Returns the JSON body, or undefined when it wrote the response itself. */
  handle(
    ctx: ApiContext,
    input: { query: z.infer<Q>; body: z.infer<B>; params: Record<string, string> },
    res: Response,
  ): Promise<unknown>;
}

export const defineRoute = <Q extends ZodTypeAny, B extends ZodTypeAny>(r: RouteDef<Q, B>): RouteDef => r;
