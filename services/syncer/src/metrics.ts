import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { SyncOutcome } from '@siaghsync/shared/events';
import { kafkaRetries } from '@siaghsync/shared/kafka/client';
import type { Backlog } from './backlog';

export interface SyncerMetrics {
  registry: Registry;
  inFlight: Gauge;
  /** Records put on the quarantine topic (undecodable for good), by the topic they came from. */
  quarantined: Counter<'topic'>;
  /** Fetches of a partition held on a record the registry could not decode yet (kafka/decodeHold.ts). */
  decodeRetries: Counter<'topic'>;
  /** Undecodable records of the compacted tables, skipped by the table readers (kafka/tableReader.ts). */
  tableSkipped: Counter<'topic'>;
  restoreSeconds: Gauge;
  routed: Counter<'reason'>;
  /** API reads made to fetch records: single-record reads and shared list reads (reads/). */
  apiReads: Counter<'side' | 'kind'>;
  observe(outcome: SyncOutcome): void;
  /** Freshness gauges read from `source` at each scrape (backlog.ts). */
  watchBacklog(source: () => Backlog): void;
  /** The number of operator pauses in force, read at each scrape. */
  watchPauses(count: () => number): void;
}

export function createMetrics(withDefaults = true): SyncerMetrics {
  const registry = new Registry();
  if (withDefaults) collectDefaultMetrics({ register: registry, prefix: 'siaghsync_syncer_' });
  const events = new Counter({
    name: 'siaghsync_syncer_events_total',
    help: 'Events processed, by outcome status and direction',
    labelNames: ['status', 'direction'] as const,
    registers: [registry],
  });
  const deadLetters = new Counter({
    name: 'siaghsync_syncer_dead_letters_total',
    help: 'Events dead-lettered, by reason code',
    labelNames: ['reason'] as const,
    registers: [registry],
  });
  const retrying = new Counter({
    name: 'siaghsync_syncer_parked_total',
    help: 'Events parked on their entity for a later retry',
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'siaghsync_syncer_event_duration_seconds',
    help: 'Fetch + decide + write time of one event',
    labelNames: ['status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [registry],
  });
  // kafkajs retries these itself (logged at debug, shared/src/kafka/client.ts); a quiet pipeline has none.
  new Gauge({
    name: 'siaghsync_syncer_concurrent_transaction_retries',
    help: 'Transactions kafkajs retried because the previous one was still completing on the broker (CONCURRENT_TRANSACTIONS), since start',
    registers: [registry],
    collect() {
      this.set(kafkaRetries.concurrentTransactions);
    },
  });
  return {
    registry,
    inFlight: new Gauge({
      name: 'siaghsync_syncer_in_flight',
      help: 'Events being processed',
      registers: [registry],
    }),
    quarantined: new Counter({
      name: 'siaghsync_syncer_quarantined_records_total',
      help: 'Records that can never be decoded (not our wire format, payload not matching its schema), moved to the quarantine topic with their offset committed, by source topic',
      labelNames: ['topic'] as const,
      registers: [registry],
    }),
    decodeRetries: new Counter({
      name: 'siaghsync_syncer_decode_retries_total',
      help: 'Times a partition was held because the schema registry could not decode its next record (unreachable, schema id not found yet); the record is retried, never skipped',
      labelNames: ['topic'] as const,
      registers: [registry],
    }),
    tableSkipped: new Counter({
      name: 'siaghsync_syncer_table_records_skipped_total',
      help: 'Undecodable records of the compacted tables (links, intents, entity-state) skipped by a table reader, by topic',
      labelNames: ['topic'] as const,
      registers: [registry],
    }),
    restoreSeconds: new Gauge({
      name: 'siaghsync_syncer_restore_seconds',
      help: 'Time to read the state changelog on the last assignment',
      registers: [registry],
    }),
    routed: new Counter({
      name: 'siaghsync_syncer_routed_total',
      help: 'Raw changes routed to a canonical key, by how the key was found',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
    apiReads: new Counter({
      name: 'siaghsync_syncer_api_reads_total',
      help: 'Reads of the CRM and Siagh made to fetch records, single-record or list (a list read serves many events); per event: divide by siaghsync_syncer_events_total',
      labelNames: ['side', 'kind'] as const,
      registers: [registry],
    }),
    watchBacklog(source) {
      let last: { at: number; value: Backlog } | undefined;
      // One computation serves the three gauges of a scrape.
      const current = () => {
        if (!last || Date.now() - last.at > 500) last = { at: Date.now(), value: source() };
        return last.value;
      };
      new Gauge({
        name: 'siaghsync_syncer_oldest_unsynced_seconds',
        help: 'Age of the oldest change not yet synced, from when it was observed: queue "live" (work: edits, webhooks, polls) or "bulk" (work-bulk, work-bulk-crm: the import); 0 = in sync',
        labelNames: ['queue'] as const,
        registers: [registry],
        collect() {
          const b = current();
          this.set({ queue: 'live' }, b.liveSeconds);
          this.set({ queue: 'bulk' }, b.bulkSeconds);
        },
      });
      new Gauge({
        name: 'siaghsync_syncer_partition_oldest_unsynced_seconds',
        help: 'Age of the oldest change not yet synced in one partition of this instance',
        labelNames: ['topic', 'partition'] as const,
        registers: [registry],
        collect() {
          this.reset();
          for (const p of current().partitions)
            this.set({ topic: p.topic, partition: String(p.partition) }, p.oldestSeconds);
        },
      });
      new Gauge({
        name: 'siaghsync_syncer_stalled_partitions',
        help: 'Partitions of this instance that hold events but have committed nothing for SYNCER_STALL_AFTER_MS',
        registers: [registry],
        collect() {
          this.set(current().stalled.length);
        },
      });
    },
    watchPauses(count) {
      new Gauge({
        name: 'siaghsync_syncer_pauses',
        help: 'Operator pauses in force (syncctl pause): writes of their scope wait until syncctl resume',
        registers: [registry],
        collect() {
          this.set(count());
        },
      });
    },
    observe(o) {
      events.inc({ status: o.status, direction: o.direction });
      duration.observe({ status: o.status }, o.durationMs / 1000);
      if (o.status === 'dead-lettered') deadLetters.inc({ reason: o.error?.code ?? 'unknown' });
      if (o.status === 'retrying') retrying.inc();
    },
  };
}
