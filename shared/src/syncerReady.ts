import { z } from 'zod';
import { pauseFlagSchema } from './operator/pause';

/**
 * One target system as a service's own calls found it (shared/src/http/health.ts): whether the last
 * call was answered, when it last was, and the last failure. `ok` null: no call made yet.
 */
export const systemHealthBody = z.object({
  ok: z.boolean().nullable(),
  lastOkAt: z.number().nullable(),
  lastErrorAt: z.number().nullable(),
  lastError: z.string().nullable(),
});

export const systemsBody = z.object({ crm: systemHealthBody, siagh: systemHealthBody });
export type SystemsBody = z.infer<typeof systemsBody>;

/**
 * The syncer's /ready body: whether it is ready and how far behind it is (the oldest change not yet
 * synced, live and import, from when it was observed; stalled lanes). The syncer answers it, the
 * projector's freshness headline and `syncctl status` read it.
 */
export const syncerReadyBody = z.object({
  ready: z.boolean(),
  entities: z.number().int().nonnegative(),
  links: z.number().int().nonnegative(),
  backlog: z.object({
    liveSeconds: z.number().nonnegative(),
    bulkSeconds: z.number().nonnegative(),
    held: z.number().int().nonnegative(),
    /** `since`: when the lane last moved (ms since the epoch). */
    stalled: z.array(z.object({ lane: z.string(), held: z.number().int(), since: z.number() })),
  }),
  /**
   * The CRM and Siagh as the syncer's calls found them. Reported, never a reason for 503: a system
   * down parks work, the syncer keeps consuming. Optional: a syncer older than this field omits it.
   */
  systems: systemsBody.optional(),
  /** The operator's pauses in force (operator/pause.ts). Optional: a syncer older than this field omits it. */
  paused: z.array(pauseFlagSchema).optional(),
});

export type SyncerReadyBody = z.infer<typeof syncerReadyBody>;
