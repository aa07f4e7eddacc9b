import type { Command } from 'commander';
import { readToken, serviceAddresses } from './config';
import type { Ctx } from './context';
import { classify, EXIT, type ExitCode } from './errors';
import { table } from './format';
import { requestJson } from './http';
import { groupLags, type GroupLag } from '@siaghsync/shared/kafka/lag';
import { syncerReadyBody } from '@siaghsync/shared/syncerReady';
import { describePause, howToLift, type PauseFlag } from '@siaghsync/shared/operator/pause';
import type { GroupHealth } from '@siaghsync/shared/kafka/stalls';

export interface ServiceStatus {
  name: string;
  url: string;
  health: 'up' | 'down';
  ready: boolean | null;
  detail: unknown;
}

export interface StatusReport {
  services: ServiceStatus[];
  kafka: { reachable: boolean; error?: string; groups: GroupLag[] };
  /**
   * Every group's health as the projector sees it (it samples offsets over time, so it knows which
   * partitions stand still); null when the projector does not answer.
   */
  watch: { stallAfterSeconds: number; groups: GroupHealth[] } | null;
  counts: unknown;
  /** Why watch and counts are missing though the projector is up (it refused the token). */
  projectorRefused?: string;
}

/** 3 when a service or Kafka does not answer, 1 when something answers but is not ready, else 0. */
export function statusExitCode(r: StatusReport): ExitCode {
  if (!r.kafka.reachable || r.services.some((s) => s.health === 'down')) return EXIT.unreachable;
  if (r.services.some((s) => s.ready === false)) return EXIT.failed;
  if (r.watch?.groups.some((g) => g.stalled.length > 0)) return EXIT.failed;
  return EXIT.ok;
}

async function probe(ctx: Ctx, name: string, url: string): Promise<ServiceStatus> {
  const timeoutMs = ctx.cfg().SYNCCTL_TIMEOUT_MS;
  try {
    await requestJson(name, `${url}/health`, { timeoutMs });
    const ready = await requestJson(name, `${url}/ready`, { timeoutMs });
    return { name, url, health: 'up', ready: ready.status === 200, detail: ready.body };
  } catch (err) {
    return { name, url, health: 'down', ready: null, detail: classify(err).message };
  }
}

interface SourcePolling {
  source: string;
  leader: boolean;
  sweeps: number | null;
  interval: string;
  reason: string;
  /** The sweep under way when it reports progress (the import): "41,000 / 100,000 in 37 s". */
  underWay: string;
}

/** The poller's /ready details per source (leader, sweeps, the interval in force and why). */
export function pollingOf(detail: unknown, now = Date.now()): SourcePolling[] {
  if (!detail || typeof detail !== 'object') return [];
  return Object.entries(detail as Record<string, unknown>).flatMap(([source, v]) => {
    if (source !== 'crm' && source !== 'siagh') return [];
    const d = (v ?? {}) as {
      leader?: unknown;
      sweeps?: unknown;
      intervalMs?: unknown;
      intervalReason?: unknown;
      sweepProgress?: { done?: unknown; total?: unknown; since?: unknown };
    };
    return [
      {
        source,
        leader: d.leader === true,
        sweeps: typeof d.sweeps === 'number' ? d.sweeps : null,
        interval: typeof d.intervalMs === 'number' ? `${(d.intervalMs / 1000).toFixed(1)} s` : '-',
        reason: typeof d.intervalReason === 'string' ? d.intervalReason : '-',
        underWay: underWay(d.sweepProgress, now),
      },
    ];
  });
}

function underWay(p: { done?: unknown; total?: unknown; since?: unknown } | undefined, now: number): string {
  if (!p || typeof p.done !== 'number' || typeof p.total !== 'number') return '-';
  const took = typeof p.since === 'number' ? ` in ${Math.max(0, Math.round((now - p.since) / 1000))} s` : '';
  return `${p.done.toLocaleString('en-US')} / ${p.total.toLocaleString('en-US')}${took}`;
}

const ago = (s: number) => (s < 90 ? `${Math.round(s)} s` : `${(s / 60).toFixed(1)} min`);

/** The syncer's /ready backlog as lines: how far behind live changes and the import are, what is stalled. */
export function freshnessLines(detail: unknown, now = Date.now()): string[] | null {
  const parsed = syncerReadyBody.shape.backlog.safeParse((detail as { backlog?: unknown } | null)?.backlog);
  if (!parsed.success) return null;
  const b = parsed.data;
  return [
    `  live changes   ${b.liveSeconds < 1 ? 'in sync' : `oldest waiting ${ago(b.liveSeconds)}`}`,
    `  import (bulk)  ${b.bulkSeconds < 1 ? 'nothing queued' : `oldest waiting ${ago(b.bulkSeconds)}`}${b.held > 0 ? `; ${b.held.toLocaleString('en-US')} events held` : ''}`,
    `  stalled        ${
      b.stalled.length === 0
        ? 'none'
        : b.stalled.map((p) => `${p.lane} (${p.held} held) for ${ago((now - p.since) / 1000)}`).join(', ')
    }`,
  ];
}

/** The operator's pauses the syncer reports (syncctl pause), null when it reports none (an older syncer). */
export function pausesOf(detail: unknown): PauseFlag[] | null {
  const parsed = syncerReadyBody.shape.paused.safeParse((detail as { paused?: unknown } | null)?.paused);
  return parsed.success && parsed.data ? parsed.data : null;
}

export function formatStatus(r: StatusReport, verbose: boolean, now = Date.now()): string {
  const lines = [
    'Services',
    table(
      ['service', 'address', 'health', 'ready'],
      r.services.map((s) => [s.name, s.url, s.health, s.ready === null ? '-' : s.ready ? 'yes' : 'NO']),
    ),
  ];
  const polling = pollingOf(r.services.find((s) => s.name === 'poller')?.detail);
  if (polling.length > 0) {
    lines.push('', 'Polling (this poller instance)');
    lines.push(
      table(
        ['source', 'leader', 'sweeps', 'sweep under way', 'interval', 'why'],
        polling.map((p) => [p.source, p.leader ? 'yes' : 'no', p.sweeps, p.underWay, p.interval, p.reason]),
      ),
    );
  }
  const backlog = freshnessLines(r.services.find((s) => s.name === 'syncer')?.detail);
  if (backlog) lines.push('', 'Freshness (this syncer instance)', ...backlog);
  const paused = pausesOf(r.services.find((s) => s.name === 'syncer')?.detail);
  if (paused)
    lines.push(
      '',
      'Writes',
      ...(paused.length === 0
        ? ['  every write goes ahead (no pause)']
        : paused.map((f) => `  PAUSED: ${describePause(f)} (${howToLift(f)})`)),
    );
  lines.push('', 'Consumer lag');
  if (!r.kafka.reachable) lines.push(`  Kafka unreachable: ${r.kafka.error ?? ''}`);
  else if (r.kafka.groups.length === 0) lines.push('  no consumer groups yet');
  else {
    const health = new Map(r.watch?.groups.map((g) => [g.group, g]));
    lines.push(
      table(
        ['group', 'state', 'members', 'lag', 'behind for', 'stalled partitions'],
        r.kafka.groups.map((g) => {
          const h = health.get(g.group);
          return [
            g.group,
            g.state,
            g.members,
            g.lag,
            !h ? '?' : g.lag > 0 ? ago(h.behindSeconds) : '-',
            !h
              ? '?'
              : h.stalled
                  .map((p) => `${p.topic}/${p.partition} for ${ago((now - p.since) / 1000)}`)
                  .join(', ') || 'none',
          ];
        }),
      ),
    );
    if (!r.watch) lines.push('  (behind for, stalled: the projector samples them and does not answer)');
    else lines.push(`  (stalled: lag and no commit for ${r.watch.stallAfterSeconds} s)`);
    // A lag of 1 in a group the samples find caught up is a transaction's commit marker, not a record
    // (shared/src/kafka/stalls.ts): listed with --verbose only.
    const withLag = r.kafka.groups.flatMap((g) => g.partitions).filter((p) => p.lag > 0);
    const waiting = withLag.filter((p) => {
      const h = health.get(p.group);
      return p.lag > 1 || !h || h.behindSeconds > 0;
    });
    const parts = verbose ? r.kafka.groups.flatMap((g) => g.partitions) : waiting;
    const markers = withLag.length - waiting.length;
    if (!verbose && markers > 0)
      lines.push(
        `  (${markers} partition${markers === 1 ? '' : 's'} at a lag of 1 in groups the projector last found caught up: as a rule a transaction's commit marker; --verbose lists every partition)`,
      );
    if (parts.length > 0) {
      lines.push('', verbose ? 'Per partition' : 'Partitions with lag');
      lines.push(
        table(
          ['group', 'topic', 'partition', 'committed', 'end', 'lag'],
          parts.map((p) => [p.group, p.topic, p.partition, p.committed, p.end, p.lag]),
        ),
      );
    }
  }
  const c = r.counts as {
    outcomes?: { total?: number };
    conflicts?: Record<string, number>;
    deadLetters?: Record<string, number>;
    entities?: Record<string, number>;
  } | null;
  lines.push('', 'Counts (projector views)');
  if (r.projectorRefused) lines.push(`  ${r.projectorRefused}`);
  else if (!c) lines.push('  projector unavailable');
  else {
    lines.push(
      table(
        ['outcomes', 'linked entities', 'entities', 'open conflicts', 'dead letters pending'],
        [
          [
            c.outcomes?.total ?? null,
            c.entities?.linked ?? null,
            c.entities?.total ?? null,
            c.conflicts?.open ?? null,
            c.deadLetters?.pending ?? null,
          ],
        ],
      ),
    );
  }
  return lines.join('\n');
}

export function registerStatus(
  program: Command,
  run: (fn: (ctx: Ctx) => Promise<ExitCode>) => Promise<void>,
): void {
  program
    .command('status')
    .description('health and readiness of every service, consumer lag per group and partition, view counts')
    .option('-v, --verbose', 'list every partition, not only those with lag')
    .action((opts: { verbose?: boolean }) =>
      run(async (ctx) => {
        const cfg = ctx.cfg();
        const services = await Promise.all(serviceAddresses(cfg).map((s) => probe(ctx, s.name, s.url)));
        const kafka: StatusReport['kafka'] = { reachable: true, groups: [] };
        try {
          kafka.groups = await groupLags(await ctx.admin(), cfg.SYNCCTL_GROUP_PREFIX, cfg.TOPIC_PREFIX);
        } catch (err) {
          Object.assign(kafka, { reachable: false, error: classify(err).message });
        }
        const projector = services.find((s) => s.name === 'projector');
        let counts: unknown = null;
        let watch: StatusReport['watch'] = null;
        let refused: string | undefined;
        if (projector?.health === 'up') {
          const get = (p: string) =>
            requestJson('projector', `${projector.url}${p}`, {
              timeoutMs: cfg.SYNCCTL_TIMEOUT_MS,
              token: readToken(cfg),
            }).catch(() => null);
          const [summary, lag] = await Promise.all([get('/api/summary'), get('/api/lag')]);
          if (summary?.status === 200) counts = summary.body;
          if (lag?.status === 200) watch = lag.body as StatusReport['watch'];
          if (summary?.status === 401)
            refused =
              'the projector refused the token: set PROJECTOR_READ_TOKEN (or OPERATOR_TOKEN) to the one it was started with';
        }
        const report: StatusReport = {
          services,
          kafka,
          watch,
          counts,
          ...(refused ? { projectorRefused: refused } : {}),
        };
        ctx.out.result(report, () => formatStatus(report, Boolean(opts.verbose)));
        return statusExitCode(report);
      }),
    );
}
