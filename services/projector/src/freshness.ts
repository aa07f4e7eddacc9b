import type { PauseFlag } from '@siaghsync/shared/operator/pause';
import { syncerReadyBody, type SyncerReadyBody } from '@siaghsync/shared/syncerReady';

// How far behind the sync is, for the dashboard's headline and /api/freshness: each syncer instance
// reports the age of the oldest change it has not synced yet and its stalled lanes on /ready (measured
// from when the change was observed, not from offsets); the projector asks every instance it is told
// of (SYNCER_URLS) and reports the worst.

/** Past this the headline turns red: a person's edit no longer arrives "in a moment". */
export const BEHIND_ALERT_S = 60;

export type SyncerReport =
  | {
      url: string;
      reachable: true;
      ready: boolean;
      backlog: SyncerReadyBody['backlog'];
      paused?: PauseFlag[];
    }
  | { url: string; reachable: false; error: string };

export interface Freshness {
  state: 'in-sync' | 'behind' | 'stalled' | 'unreachable' | 'unknown';
  /** Red on the dashboard. */
  alert: boolean;
  /** Age of the oldest live change not yet synced, over every instance, in seconds. */
  liveSeconds: number | null;
  /** The same for the import's (bulk) changes. */
  bulkSeconds: number | null;
  /** Earliest moment a stalled lane last moved (ms since the epoch). */
  stalledSince: number | null;
  /** The operator's pauses in force, as the syncers read them (syncctl pause): writes wait, nothing is late. */
  paused: PauseFlag[];
  syncers: SyncerReport[];
}

/** The deployment's freshness from each instance's report. Pure. */
export function summarize(reports: readonly SyncerReport[]): Freshness {
  const syncers = [...reports];
  if (syncers.length === 0)
    return {
      state: 'unknown',
      alert: false,
      liveSeconds: null,
      bulkSeconds: null,
      stalledSince: null,
      paused: [],
      syncers,
    };
  const up = syncers.filter((r) => r.reachable);
  const liveSeconds = up.length ? Math.max(...up.map((r) => r.backlog.liveSeconds)) : null;
  const bulkSeconds = up.length ? Math.max(...up.map((r) => r.backlog.bulkSeconds)) : null;
  const since = up.flatMap((r) => r.backlog.stalled.map((s) => s.since));
  const stalledSince = since.length ? Math.min(...since) : null;
  const state: Freshness['state'] =
    up.length < syncers.length
      ? 'unreachable'
      : stalledSince !== null
        ? 'stalled'
        : (liveSeconds ?? 0) >= 1
          ? 'behind'
          : 'in-sync';
  const alert = state === 'unreachable' || state === 'stalled' || (liveSeconds ?? 0) > BEHIND_ALERT_S;
  // Every instance reads the same flags; one that has not caught up yet is not a different answer.
  const paused = new Map<string, PauseFlag>();
  for (const r of up)
    for (const f of r.paused ?? []) if ((paused.get(f.scope)?.at ?? -1) < f.at) paused.set(f.scope, f);
  return {
    state,
    alert,
    liveSeconds,
    bulkSeconds,
    stalledSince,
    paused: [...paused.values()].sort((a, b) => a.at - b.at),
    syncers,
  };
}

/** Asks each syncer's /ready; cached briefly, as the dashboard polls it every few seconds. */
export function freshnessReporter(urls: readonly string[], ttlMs = 2000): () => Promise<Freshness> {
  let cache: { at: number; value: Promise<Freshness> } | null = null;
  const ask = async (url: string): Promise<SyncerReport> => {
    try {
      // 503 is a valid answer here: a syncer not ready (rebalancing, catching up) still reports its backlog.
      const res = await fetch(new URL('/ready', url), { signal: AbortSignal.timeout(2000) });
      const body = syncerReadyBody.safeParse(await res.json());
      if (!body.success)
        return { url, reachable: false, error: `unexpected /ready answer (HTTP ${res.status})` };
      return {
        url,
        reachable: true,
        ready: res.ok,
        backlog: body.data.backlog,
        ...(body.data.paused && { paused: body.data.paused }),
      };
    } catch (err) {
      return { url, reachable: false, error: err instanceof Error ? err.message : String(err) };
    }
  };
  return () => {
    if (!cache || Date.now() - cache.at >= ttlMs)
      cache = { at: Date.now(), value: Promise.all(urls.map(ask)).then(summarize) };
    return cache.value;
  };
}
