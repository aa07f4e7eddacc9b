import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

// siaghsync_projector_*, like the other services' siaghsync_<service>_*: alerts and dashboards select the
// whole system by one prefix, and a name read off /metrics is the name Prometheus stores.

/** What a scrape reads from the live views: unsettled conflicts and when the oldest was detected. */
export type UnsettledConflicts = () => Promise<{ count: number; oldestDetectedAt: number | null }>;

export function createMetrics(
  unsettled: UnsettledConflicts = () => Promise.resolve({ count: 0, oldestDetectedAt: null }),
) {
  const registry = new Registry();
  // Read once per scrape and shared by both gauges (prom-client collects each gauge in turn).
  let reading: Promise<Awaited<ReturnType<UnsettledConflicts>>> | null = null;
  const read = () => {
    reading ??= unsettled()
      .catch(() => ({ count: Number.NaN, oldestDetectedAt: null }))
      .finally(() => setTimeout(() => (reading = null), 1000).unref());
    return reading;
  };
  collectDefaultMetrics({ register: registry, prefix: 'siaghsync_projector_' });
  return {
    registry,
    eventsApplied: new Counter({
      name: 'siaghsync_projector_events_applied_total',
      help: 'Events folded into views',
      labelNames: ['version'],
      registers: [registry],
    }),
    docsWritten: new Counter({
      name: 'siaghsync_projector_documents_written_total',
      help: 'View documents written',
      labelNames: ['version'],
      registers: [registry],
    }),
    viewDocs: new Counter({
      name: 'siaghsync_projector_view_documents_total',
      help: 'View documents written, per view and how (insert: new, replace: rewritten)',
      labelNames: ['view', 'op'],
      registers: [registry],
    }),
    viewWriteSeconds: new Counter({
      name: 'siaghsync_projector_view_write_seconds_total',
      help: "Wall time of each view's writes (the first view's write overlaps the others' folds): where the database's time goes",
      labelNames: ['view'],
      registers: [registry],
    }),
    batchSeconds: new Histogram({
      name: 'siaghsync_projector_batch_duration_seconds',
      help: 'Time to decode and apply one batch',
      registers: [registry],
      buckets: [0.005, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    }),
    decodeErrors: new Counter({
      name: 'siaghsync_projector_decode_errors_total',
      help: 'Records that could not be decoded: quarantined (never decodable) or held and retried (schema registry failing); none is skipped',
      labelNames: ['stream'],
      registers: [registry],
    }),
    quarantined: new Counter({
      name: 'siaghsync_projector_quarantined_records_total',
      help: 'Records that can never be decoded, moved to the quarantine topic before their offset is committed, by source topic',
      labelNames: ['topic'],
      registers: [registry],
    }),
    rebuildProgress: new Gauge({
      name: 'siaghsync_projector_rebuild_progress_ratio',
      help: 'Progress of the running rebuild (1 when none)',
      registers: [registry],
    }),
    liveVersion: new Gauge({
      name: 'siaghsync_projector_live_view_version',
      help: 'View version the API serves',
      registers: [registry],
    }),
    httpRequests: new Counter({
      name: 'siaghsync_projector_http_requests_total',
      help: 'HTTP requests',
      labelNames: ['route', 'status'],
      registers: [registry],
    }),
    exportsInFlight: new Gauge({
      name: 'siaghsync_projector_exports_in_flight',
      help: 'Audit exports streaming now (at most PROJECTOR_MAX_EXPORTS)',
      registers: [registry],
    }),
    // A conflict waits for a person: the alert on its age is what makes someone look.
    unsettledConflicts: new Gauge({
      name: 'siaghsync_projector_unsettled_conflicts',
      help: 'Conflicts open or being resolved (NaN when the views cannot be read)',
      registers: [registry],
      async collect() {
        this.set((await read()).count);
      },
    }),
    oldestUnsettledConflict: new Gauge({
      name: 'siaghsync_projector_oldest_unsettled_conflict_age_seconds',
      help: 'Age of the oldest conflict open or being resolved, from its detection (0 when none)',
      registers: [registry],
      async collect() {
        const { oldestDetectedAt } = await read();
        this.set(oldestDetectedAt === null ? 0 : Math.max(0, (Date.now() - oldestDetectedAt) / 1000));
      },
    }),
    operatorActions: new Counter({
      name: 'siaghsync_projector_operator_actions_total',
      help: 'Operator actions accepted',
      labelNames: ['action'],
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
