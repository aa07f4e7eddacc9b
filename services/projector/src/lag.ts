import { groupLags, type GroupLag } from '@siaghsync/shared/kafka/lag';
import type { Kafka } from '@siaghsync/shared/kafka/index';
import { KeptAdmin } from '@siaghsync/shared/kafka/keptAdmin';
import { groupHealth, observeLags, type Watches } from '@siaghsync/shared/kafka/stalls';
import type { LagReport } from './api/route';

export interface LagWatcher {
  report(): Promise<LagReport>;
  stop(): void;
}

export interface LagWatcherOptions {
  groupPrefix: string;
  topicPrefix: string;
  /** How often offsets are sampled, dashboard open or not: stalls are seen between two samples. */
  sampleMs: number;
  /** A partition with lag whose committed offset has not moved for this long is stalled. */
  stallAfterMs: number;
}

/**
 * Lag of every consumer group of the deployment (shared/src/kafka/groups.ts), sampled in the
 * background so that a group standing still is seen as stalled (shared/src/kafka/stalls.ts).
 */
export function lagWatcher(kafka: Kafka, o: LagWatcherOptions): LagWatcher {
  let watches: Watches = new Map();
  let last: { at: number; groups: GroupLag[] } | null = null;
  let inFlight: Promise<void> | null = null;
  // Every sample through one kept connection, not a new admin each time (keptAdmin.ts).
  const admin = new KeptAdmin(kafka);
  const sample = () =>
    (inFlight ??= (async () => {
      try {
        const groups = await admin.use((a) => groupLags(a, o.groupPrefix, o.topicPrefix));
        const at = Date.now();
        watches = observeLags(watches, groups, at);
        last = { at, groups };
      } finally {
        inFlight = null;
      }
    })());
  // A failed background sample (broker restarting) is retried at the next tick; the API reports it.
  const timer = setInterval(() => void sample().catch(() => undefined), o.sampleMs);
  timer.unref();
  return {
    async report() {
      if (!last || Date.now() - last.at >= o.sampleMs) await sample();
      const { at, groups } = last!;
      return {
        sampledAt: at,
        stallAfterSeconds: o.stallAfterMs / 1000,
        groups: groupHealth(groups, watches, at, o.stallAfterMs),
        partitions: groups.flatMap((g) => g.partitions),
      };
    },
    stop: () => {
      clearInterval(timer);
      void admin.close();
    },
  };
}
