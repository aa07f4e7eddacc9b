import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

// One registry per app instance (not prom-client's global), so tests can run several apps in one process.

export type RequestOutcome = 'accepted' | 'duplicate' | 'rejected' | 'unavailable';

export interface IngestMetrics {
  registry: Registry;
  requests: Counter<'route' | 'outcome'>;
  rejected: Counter<'reason'>;
  produceSeconds: Histogram<'result'>;
  lastWebhook: Gauge<'source' | 'entity_type'>;
}

export function createMetrics(opts: { defaultMetrics?: boolean } = {}): IngestMetrics {
  const registry = new Registry();
  if (opts.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });
  return {
    registry,
    requests: new Counter({
      name: 'siaghsync_ingest_requests_total',
      help: 'Webhook requests received, by route and outcome',
      labelNames: ['route', 'outcome'],
      registers: [registry],
    }),
    rejected: new Counter({
      name: 'siaghsync_ingest_rejected_total',
      help: 'Webhook requests refused, by reason code',
      labelNames: ['reason'],
      registers: [registry],
    }),
    produceSeconds: new Histogram({
      name: 'siaghsync_ingest_produce_duration_seconds',
      help: 'Time from encode to broker acknowledgement (acks=all)',
      labelNames: ['result'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5],
      registers: [registry],
    }),
    // When the last notice of each kind got into Kafka: `syncctl check` compares it with the edits the
    // poller found late, and `syncctl check --webhook` waits for it to move.
    lastWebhook: new Gauge({
      name: 'siaghsync_ingest_last_webhook_timestamp_seconds',
      help: 'When the last webhook accepted (in Kafka) arrived, by source and entity type',
      labelNames: ['source', 'entity_type'],
      registers: [registry],
    }),
  };
}
