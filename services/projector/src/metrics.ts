import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'projector_' });
  return {
    registry,
    eventsApplied: new Counter({ name: 'projector_events_applied_total', help: 'Events folded into views', labelNames: ['version'], registers: [registry] }),
    docsWritten: new Counter({ name: 'projector_documents_written_total', help: 'View documents written', labelNames: ['version'], registers: [registry] }),
    batchSeconds: new Histogram({ name: 'projector_batch_seconds', help: 'Time to decode and apply one batch', registers: [registry], buckets: [0.005, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5] }),
    decodeErrors: new Counter({ name: 'projector_decode_errors_total', help: 'Records skipped because they could not be decoded', labelNames: ['stream'], registers: [registry] }),
    rebuildProgress: new Gauge({ name: 'projector_rebuild_progress_ratio', help: 'Progress of the running rebuild (1 when none)', registers: [registry] }),
    liveVersion: new Gauge({ name: 'projector_live_view_version', help: 'View version the API serves', registers: [registry] }),
    httpRequests: new Counter({ name: 'projector_http_requests_total', help: 'HTTP requests', labelNames: ['route', 'status'], registers: [registry] }),
    operatorActions: new Counter({ name: 'projector_operator_actions_total', help: 'Operator actions accepted', labelNames: ['action'], registers: [registry] }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
