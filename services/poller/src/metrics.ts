// The poller's Prometheus metrics, on their own registry so tests can create several pollers. Named
// siaghsync_poller_* like every service's siaghsync_<service>_*, so one prefix selects the whole system.

import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface PollerMetrics {
  registry: Registry;
  sweeps: Counter<'source' | 'result'>;
  sweepDuration: Histogram<'source'>;
  recordsTracked: Gauge<'source'>;
  recordsSeen: Gauge<'source'>;
  changesEmitted: Counter<'source' | 'operation' | 'trigger'>;
  deletesSuppressed: Counter<'source' | 'reason'>;
  lastCompleteSweep: Gauge<'source'>;
  detailCalls: Counter<'result'>;
  leader: Gauge<'source'>;
  interval: Gauge<'source'>;
  getAllSeconds: Gauge;
  lateChanges: Counter<'source'>;
  lateChangeSourceTime: Gauge<'source'>;
}

export function createMetrics(withDefaults = true): PollerMetrics {
  const registry = new Registry();
  if (withDefaults) collectDefaultMetrics({ register: registry });
  const r = [registry];
  return {
    registry,
    sweeps: new Counter({
      name: 'siaghsync_poller_sweeps_total',
      help: 'Sweeps by source and result (complete, incomplete, suspicious, failed)',
      labelNames: ['source', 'result'],
      registers: r,
    }),
    interval: new Gauge({
      name: 'siaghsync_poller_interval_seconds',
      help: 'Wait between sweeps in force (Siagh: adapted to the measured GetAll cost, see interval.ts)',
      labelNames: ['source'],
      registers: r,
    }),
    getAllSeconds: new Gauge({
      name: 'siaghsync_poller_siagh_getall_seconds',
      help: 'Duration of the last Siagh GetAll, request to parsed answer',
      registers: r,
    }),
    sweepDuration: new Histogram({
      name: 'siaghsync_poller_sweep_duration_seconds',
      help: 'Wall time of one sweep, fetch to commit',
      labelNames: ['source'],
      buckets: [0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 300],
      registers: r,
    }),
    recordsTracked: new Gauge({
      name: 'siaghsync_poller_records_tracked',
      help: 'Records whose checksum the poller tracks',
      labelNames: ['source'],
      registers: r,
    }),
    recordsSeen: new Gauge({
      name: 'siaghsync_poller_records_seen',
      help: 'Records seen by the last sweep',
      labelNames: ['source'],
      registers: r,
    }),
    changesEmitted: new Counter({
      name: 'siaghsync_poller_changes_emitted_total',
      help: 'Change events committed',
      labelNames: ['source', 'operation', 'trigger'],
      registers: r,
    }),
    deletesSuppressed: new Counter({
      name: 'siaghsync_poller_deletes_suppressed_total',
      help: 'Deletes held back because a snapshot was incomplete or suspiciously small (alert on increase)',
      labelNames: ['source', 'reason'],
      registers: r,
    }),
    lastCompleteSweep: new Gauge({
      name: 'siaghsync_poller_last_complete_sweep_timestamp_seconds',
      help: 'When the last complete sweep committed',
      labelNames: ['source'],
      registers: r,
    }),
    detailCalls: new Counter({
      name: 'siaghsync_poller_crm_detail_calls_total',
      help: 'CRM detail fetches by result',
      labelNames: ['result'],
      registers: r,
    }),
    // A change a sweep found more than LATE_CHANGE_MS after its source time (the CRM's modifyDate): a
    // webhook should have announced it by then. `syncctl check` compares the newest with the ingest's
    // last webhook: one made after every webhook received is one no webhook announced.
    lateChanges: new Counter({
      name: 'siaghsync_poller_late_changes_total',
      help: 'Changes a sweep found more than a minute after their source modification time',
      labelNames: ['source'],
      registers: r,
    }),
    lateChangeSourceTime: new Gauge({
      name: 'siaghsync_poller_late_change_source_timestamp_seconds',
      help: 'Source modification time of the newest change a sweep found more than a minute after it',
      labelNames: ['source'],
      registers: r,
    }),
    leader: new Gauge({
      name: 'siaghsync_poller_is_leader',
      help: '1 while this instance is the active poller of the source',
      labelNames: ['source'],
      registers: r,
    }),
  };
}
