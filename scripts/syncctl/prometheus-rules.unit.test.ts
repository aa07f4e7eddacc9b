import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import type { Registry } from 'prom-client';
import { createMetrics as ingestMetrics } from '../../services/ingest/src/metrics';
import { createMetrics as pollerMetrics } from '../../services/poller/src/metrics';
import { createMetrics as projectorMetrics } from '../../services/projector/src/metrics';
import { createMetrics as syncerMetrics } from '../../services/syncer/src/metrics';

// The alert rules must name metrics the services really export, so a renamed metric fails this test
// instead of silently disabling an alert.

// Lives beside the ops CLI because tsconfig.json does not include ops/ (type-checked lint needs it).
const DIR = path.join(__dirname, '..', '..', 'ops', 'prometheus');
interface PromConfig {
  rule_files: string[];
  scrape_configs: {
    job_name: string;
    static_configs: { targets: string[]; labels?: Record<string, string> }[];
    metric_relabel_configs?: unknown[];
  }[];
}
interface Rules {
  groups: {
    name: string;
    rules: {
      alert: string;
      expr: string;
      for?: string;
      labels: Record<string, string>;
      annotations: Record<string, string>;
    }[];
  }[];
}

const prom = parse(fs.readFileSync(path.join(DIR, 'prometheus.yml'), 'utf8')) as PromConfig;
const rules = parse(fs.readFileSync(path.join(DIR, 'alerts.yml'), 'utf8')) as Rules;

/** kafka-exporter's metrics (an external exporter, so listed here rather than read from a registry). */
const EXPORTER = new Set(['kafka_consumergroup_lag', 'kafka_consumergroup_current_offset_sum', 'up']);

async function names(registry: Registry): Promise<string[]> {
  const out: string[] = [];
  for (const m of await registry.getMetricsAsJSON()) {
    out.push(m.name);
    if (String(m.type) === 'histogram') out.push(`${m.name}_bucket`, `${m.name}_sum`, `${m.name}_count`);
  }
  return out;
}

function metricsIn(expr: string): string[] {
  const noStrings = expr.replace(/"[^"]*"/g, '""');
  const tokens = noStrings.match(/[a-zA-Z_:][a-zA-Z0-9_:]*(?=\s*[{[)]|\s*(?:>|<|==|\s+and|\s*$))/g) ?? [];
  return [
    ...new Set(tokens.filter((t) => t.startsWith('siaghsync_') || t.startsWith('kafka_') || t === 'up')),
  ];
}

/** The syncer's registry with its freshness gauges, as service.ts wires them. */
function syncerWithBacklog() {
  const m = syncerMetrics(false);
  m.watchBacklog(() => ({ liveSeconds: 0, bulkSeconds: 0, partitions: [], stalled: [] }));
  return m;
}

describe('Prometheus configuration and alert rules', () => {
  let exported: Set<string>;
  beforeAll(async () => {
    exported = new Set([
      ...(await names(ingestMetrics({ defaultMetrics: false }).registry)),
      ...(await names(pollerMetrics(false).registry)),
      ...(await names(projectorMetrics().registry)),
      ...(await names(syncerWithBacklog().registry)),
    ]);
  });

  it('scrapes every service on its default port and loads the rules file it is mounted with', () => {
    const job = prom.scrape_configs.find((j) => j.job_name === 'siaghsync')!;
    const targets = Object.fromEntries(
      job.static_configs.map((s): [string, string | undefined] => [s.labels?.service ?? '', s.targets[0]]),
    );
    expect(targets).toEqual({
      ingest: 'ingest:7201',
      syncer: 'syncer:7202',
      poller: 'poller:7203',
      projector: 'projector:7204',
    });
    expect(prom.rule_files).toEqual(['/etc/prometheus/alerts.yml']);
  });

  it('gives every metric one siaghsync_<service>_ prefix, exported as Prometheus stores it', () => {
    // No renaming at scrape time: the name on /metrics is the name alerts and dashboards query.
    const job = prom.scrape_configs.find((j) => j.job_name === 'siaghsync')!;
    expect(job.metric_relabel_configs).toBeUndefined();
    const custom = [...exported].filter(
      (n) => !/^(siaghsync_)?(process|nodejs)_|^siaghsync_(syncer|projector)_(process|nodejs)_/.test(n),
    );
    for (const n of custom) expect(n).toMatch(/^siaghsync_(ingest|syncer|poller|projector)_/);
  });

  it('has the alerts the runbook names: dead letters, lag, error rate, poller sweeps', () => {
    const alerts = rules.groups.flatMap((g) => g.rules.map((r) => r.alert));
    expect(alerts).toEqual(
      expect.arrayContaining([
        'SiaghSyncDeadLettersGrowing',
        'SiaghSyncConsumerLagHigh',
        'SiaghSyncErrorRateHigh',
        'SiaghSyncPollerSweepsFailing',
        'SiaghSyncBehind',
        'SiaghSyncPartitionStalled',
      ]),
    );
  });

  it('names only metrics that exist, and every rule has a severity and a summary', () => {
    for (const r of rules.groups.flatMap((g) => g.rules)) {
      const used = metricsIn(r.expr);
      expect({ alert: r.alert, used: used.length > 0 }).toEqual({ alert: r.alert, used: true });
      for (const m of used)
        expect({ alert: r.alert, metric: m, known: exported.has(m) || EXPORTER.has(m) }).toEqual({
          alert: r.alert,
          metric: m,
          known: true,
        });
      expect(['warning', 'critical']).toContain(r.labels.severity);
      expect(r.annotations.summary).toBeTruthy();
    }
  });

  it('the metric extraction sees through labels, ranges and strings', () => {
    expect(metricsIn('sum(rate(siaghsync_syncer_events_total{status=~"a|b"}[10m])) / up == 0')).toEqual([
      'siaghsync_syncer_events_total',
      'up',
    ]);
  });
});
