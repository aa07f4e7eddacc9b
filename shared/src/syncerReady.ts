import { z } from 'zod';

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
});

export type SyncerReadyBody = z.infer<typeof syncerReadyBody>;
