import type { SyncerReadyBody } from '@siaghsync/shared/syncerReady';
import type { Syncer } from './service';

/**
 * The /ready answer: 200 while Kafka answers, with how far behind this instance is and the target
 * systems as its calls found them. A target system down is reported, not a 503: the syncer keeps
 * consuming and parks the work that needs it.
 */
export async function readyAnswer(
  syncer: Syncer,
  now = Date.now(),
): Promise<{ status: number; body: SyncerReadyBody }> {
  const ok = await syncer.ready();
  const b = syncer.backlog();
  const body: SyncerReadyBody = {
    ready: ok,
    entities: syncer.states.size,
    links: syncer.tables.size.links,
    // How far behind this instance is: the oldest change not yet synced, live and bulk, and stalled partitions.
    backlog: {
      liveSeconds: b.liveSeconds,
      bulkSeconds: b.bulkSeconds,
      held: b.partitions.reduce((n, p) => n + p.held, 0),
      stalled: b.stalled.map((p) => ({ lane: p.lane, held: p.held, since: p.stalledSince ?? now })),
    },
    systems: syncer.systems(),
    paused: syncer.pauses(),
  };
  return { status: ok ? 200 : 503, body };
}
