// The import benchmark's runs: simulators seeded with n customers a side at 10 ms a call, the API
// ceiling (the creates alone, no Kafka), and the pipeline's import with every part in its own process,
// as under npm start.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createKafka, ensureTopics, topicName, WORK_TOPICS } from '../../shared/src/kafka/index';
import type { WorkEvent } from '../../shared/src/events';
import { observedAt } from '../../services/syncer/src/reads/freshness';
import { createLogger } from '../../shared/src/logger';
import { EventCodec } from '../../shared/src/registry';
import { groupLag, syncerLag } from '../../test/harness/lag';
import { simulatorEnv } from '../../test/harness/systems';
import { freePort, startProc, stopProc, waitHttp, type Proc } from './procs';
import {
  cpuSeconds,
  json,
  metric,
  peakRssMiB,
  pidCpuSeconds,
  profiled,
  stackDatabasePid,
  type Stats,
} from './procStats';
import { LiveEdits } from './liveEdits';
import { OffsetClock } from './viewsClock';
import { pollWaits, type PollSplit } from './pollWaits';

export const LATENCY_MS = 10;
const IN_FLIGHT = 96;
const SECRET = 'bench-import-webhook-secret-0123456789';
const EVENT_KEY = randomBytes(32).toString('base64url');
const logger = createLogger({ service: 'bench-import', level: 'warn' });
export const say = (m: string) => process.stderr.write(`[bench import] ${m}\n`);

const ep = {
  KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? '127.0.0.1:9092',
  SCHEMA_REGISTRY_URL: process.env.SCHEMA_REGISTRY_URL ?? 'http://127.0.0.1:8081/apis/ccompat/v7',
  MONGODB_URI: process.env.MONGODB_URI ?? 'mongodb://127.0.0.1:27017',
};

interface Simulators {
  crmUrl: string;
  siaghUrl: string;
  procs: Proc[];
}

async function startSimulators(n: number, logDir: string, ingestPort: number): Promise<Simulators> {
  const [crmPort, siaghPort] = await Promise.all([freePort(), freePort()]);
  const sim = { SIM_LOG_LEVEL: 'warn', SIM_SEED: '21', SIM_CUSTOMERS: String(n), SIM_OVERLAP: '0.5' };
  const crm = startProc(
    'crm-sim',
    'simulators/crm/main.ts',
    {
      ...sim,
      CRM_SIM_PORT: String(crmPort),
      // 0: no ingest to notify (the ceiling's run).
      ...(ingestPort > 0 && { CRM_SIM_WEBHOOK_URL: `http://127.0.0.1:${ingestPort}/webhooks/crm/${SECRET}` }),
    },
    logDir,
    ['--max-old-space-size=4096'],
  );
  const siagh = startProc(
    'siagh-sim',
    'simulators/siagh/main.ts',
    { ...sim, SIAGH_SIM_PORT: String(siaghPort) },
    logDir,
    ['--max-old-space-size=4096'],
  );
  const crmUrl = `http://127.0.0.1:${crmPort}`;
  const siaghUrl = `http://127.0.0.1:${siaghPort}`;
  await Promise.all([
    waitHttp(crm, `${crmUrl}/_sim/faults`, 300_000),
    waitHttp(siagh, `${siaghUrl}/_sim/faults`, 300_000),
  ]);
  for (const url of [crmUrl, siaghUrl])
    await json(`${url}/_sim/faults`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ latency: { kind: 'fixed', ms: LATENCY_MS } }),
    });
  return { crmUrl, siaghUrl, procs: [crm, siagh] };
}

/** The ceiling: the creates alone (bench/lib/importCeilingChild.ts), on simulators of their own. */
export async function ceiling(n: number, logDir: string) {
  const sims = await startSimulators(n, logDir, 0);
  try {
    const p = startProc(
      'import-ceiling',
      'bench/lib/importCeilingChild.ts',
      { ...simulatorEnv({ url: sims.crmUrl }, { url: sims.siaghUrl }), BENCH_IN_FLIGHT: String(IN_FLIGHT) },
      logDir,
    );
    const code = await new Promise<number | null>((resolve) => p.child.once('exit', resolve));
    const last = readFileSync(p.log, 'utf8').trim().split('\n').at(-1) ?? '';
    if (code !== 0 || !last.startsWith('{')) throw new Error(`import ceiling failed (${code}); see ${p.log}`);
    return JSON.parse(last) as { creates: number; crmCreates: number; siaghCreates: number; seconds: number };
  } finally {
    await Promise.all(sims.procs.map((p) => stopProc(p)));
  }
}

export interface ImportRun {
  seconds: number;
  /** False when the import was stopped at its time cap before both sides were complete. */
  finished: boolean;
  expected: number;
  crm: Stats;
  siagh: Stats;
  readsPerEvent: number;
  /** Median wait of a Siagh edit for the poll that sees it (half the interval + GetAll), s. */
  siaghPollWait: number;
  reads: { single: number; list: number; events: number };
  rss: Record<string, number>;
  /** Per view: documents the projector inserted and replaced, and the seconds its writes took. */
  viewWrites: Record<string, { inserted: number; replaced: number; seconds: number }>;
  /** CPU seconds each process used from its start to the end of the import. */
  cpu: Record<string, number>;
  live: { crmToSiagh: number[]; siaghToCrm: number[]; lost: number };
  /** Each live Siagh edit's wait for the GetAll that saw it, and the rest of its way (pollWaits.ts). */
  pollSplit: PollSplit[];
  /** How far the projector's views trailed the outcomes, sampled every 2 s during the import (s). */
  viewsDelay: number[];
  /**
   * The syncer's freshness metric (its /ready backlog: oldest unsynced change, live and bulk) beside the
   * same age by the bench's own clock (the oldest work record past the syncer's committed offsets, aged
   * from the change's observation time), every 2 s (s). The clock is read just before and just after
   * the /ready call, so the metric, computed somewhere between the two, is compared with both.
   */
  freshness: Record<'live' | 'bulk', { metric: number; before: number; after: number; readyMs: number }[]>;
}

async function siaghFirstSweep(poller: Proc, port: number): Promise<void> {
  for (const end = Date.now() + 600_000; Date.now() < end;) {
    if (poller.child.exitCode !== null) throw new Error(`poller exited; see ${poller.log}`);
    const ready = await json<{ siagh?: { sweeps?: number } }>(`http://127.0.0.1:${port}/ready`).catch(
      () => undefined,
    );
    if ((ready?.siagh?.sweeps ?? 0) >= 1) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`the poller's first Siagh sweep did not end within 10 minutes; see ${poller.log}`);
}

export async function runImport(
  n: number,
  limits: 'lifted' | 'default',
  /** Live edits a second on each side during the import; 0 for none. */
  liveRate: number,
  logDir: string,
  /** Stop the import after this long, complete or not, and report what was reached (0: no cap). */
  maxSeconds = 0,
): Promise<ImportRun> {
  const prefix = `benchimport${Date.now().toString(36)}.`;
  const kafka = createKafka({ brokers: ep.KAFKA_BROKERS.split(','), clientId: 'bench-import', logger });
  await ensureTopics(kafka, prefix);
  const codec = new EventCodec(ep.SCHEMA_REGISTRY_URL);
  await codec.registerAll();
  const [ingestPort, syncerPort, pollerPort, projectorPort] = await Promise.all([
    freePort(),
    freePort(),
    freePort(),
    freePort(),
  ]);
  const sims = await startSimulators(n, logDir, ingestPort);
  // The poller signs its snapshots with it and the syncer decides on them without a read, as deployed.
  const infra = { ...ep, TOPIC_PREFIX: prefix, LOG_LEVEL: 'warn', OPERATOR_EVENT_KEY: EVENT_KEY };
  const adapters = {
    ...simulatorEnv({ url: sims.crmUrl }, { url: sims.siaghUrl }),
    ...(limits === 'default' && { CRM_RATE_LIMIT_PER_SECOND: '50', SIAGH_RATE_LIMIT_PER_SECOND: '20' }),
    CRM_UPDATE_MODE: 'changed-fields',
  };
  const services: Proc[] = [
    startProc(
      'ingest',
      'services/ingest/src/main.ts',
      {
        ...infra,
        INGEST_PORT: String(ingestPort),
        CRM_WEBHOOK_SECRET: SECRET,
        INGEST_RATE_LIMIT_POINTS: '100000',
      },
      logDir,
    ),
    startProc(
      'syncer',
      'services/syncer/src/main.ts',
      { ...infra, ...adapters, SYNCER_PORT: String(syncerPort), SYNCER_INSTANCE_ID: `${prefix}bench` },
      logDir,
      ['--max-old-space-size=4096', ...profiled('syncer', logDir)],
    ),
    // The views, as under npm start: they must keep up with the outcomes during the import.
    startProc(
      'projector',
      'services/projector/src/main.ts',
      {
        ...infra,
        MONGODB_URI: ep.MONGODB_URI,
        PROJECTOR_DB: prefix.slice(0, -1),
        PROJECTOR_PORT: String(projectorPort),
        OPERATOR_TOKEN: 'bench-import-operator-token-0123456789',
        SYNCER_URLS: `http://127.0.0.1:${syncerPort}`,
      },
      logDir,
      profiled('projector', logDir),
    ),
  ];
  const [ingest, syncer, projector] = services as [Proc, Proc, Proc];
  const all = [...services, ...sims.procs];
  try {
    await Promise.all([
      waitHttp(ingest, `http://127.0.0.1:${ingestPort}/ready`),
      waitHttp(syncer, `http://127.0.0.1:${syncerPort}/ready`),
      waitHttp(projector, `http://127.0.0.1:${projectorPort}/ready`),
    ]);
    const views = await OffsetClock.start(
      kafka,
      [topicName('outcomes', prefix)],
      `${prefix}siaghsync-projector.v1`,
      `${prefix}bench-views-clock`,
    );
    const liveTopic = topicName('work', prefix);
    const fresh = await OffsetClock.start(
      kafka,
      WORK_TOPICS.map((t) => topicName(t, prefix)),
      `${prefix}siaghsync-syncer`,
      `${prefix}bench-freshness-clock`,
      async (m) => observedAt(await codec.decode<WorkEvent>(m.value!)),
    );
    const freshness: ImportRun['freshness'] = { live: [], bulk: [] };
    const queues = (ages: Map<string, number>) => ({
      live: ages.get(liveTopic) ?? 0,
      bulk: Math.max(0, ...[...ages].filter(([t]) => t !== liveTopic).map(([, a]) => a)),
    });
    const sampleFreshness = async () => {
      const before = queues(await fresh.ages());
      const t0 = Date.now();
      const ready = await json<{ backlog?: { liveSeconds: number; bulkSeconds: number } }>(
        `http://127.0.0.1:${syncerPort}/ready`,
      );
      const readyMs = Date.now() - t0;
      const after = queues(await fresh.ages());
      if (!ready.backlog) return;
      freshness.live.push({
        metric: ready.backlog.liveSeconds,
        before: before.live,
        after: after.live,
        readyMs,
      });
      freshness.bulk.push({
        metric: ready.backlog.bulkSeconds,
        before: before.bulk,
        after: after.bulk,
        readyMs,
      });
    };
    const viewsTimer = setInterval(() => {
      void views.sample().catch(() => undefined);
      void sampleFreshness().catch(() => undefined);
    }, 2000);
    const expected = n + n - Math.round(n * 0.5);
    // The import is the poller's first sweep of each side (as under npm start): the clock starts with it.
    const t0 = Date.now();
    const poller = startProc(
      'poller',
      'services/poller/src/main.ts',
      { ...infra, ...adapters, POLLER_PORT: String(pollerPort) },
      logDir,
      profiled('poller', logDir),
    );
    services.push(poller);
    all.push(poller);
    // Live edits begin once the import has read Siagh: an edit made before the pipeline's first read of
    // a system is that system's existing data (Siagh keeps no modification time to tell it apart).
    await siaghFirstSweep(poller, pollerPort);
    const edits =
      liveRate > 0
        ? await LiveEdits.start(sims.crmUrl, sims.siaghUrl, Math.round(n * 0.5), liveRate)
        : undefined;
    let crm: Stats = { records: 0, numbered: 0, duplicated: 0 };
    let siagh: Stats = crm;
    let lastReport = 0;
    /** The Siagh poll interval in force and its GetAll's duration, sampled with each report (s). */
    const polls: { every: number; getAll: number }[] = [];
    // Sampled while they run (a process that has exited has no /proc entry left).
    const rss: Record<string, number> = {};
    const cpu: Record<string, number> = {};
    // The views' database, when it is the local stack's (its CPU counted from the import's start).
    const dbPid = stackDatabasePid();
    const db0 = dbPid ? pidCpuSeconds(dbPid) : 0;
    const sampleRss = () => {
      for (const p of all) {
        rss[p.name] = Math.max(rss[p.name] ?? 0, peakRssMiB(p));
        cpu[p.name] = Math.max(cpu[p.name] ?? 0, cpuSeconds(p));
      }
      if (dbPid) cpu['ferretdb (stack)'] = pidCpuSeconds(dbPid) - db0;
    };
    let finished = true;
    for (;;) {
      sampleRss();
      [crm, siagh] = await Promise.all([
        json<Stats>(`${sims.crmUrl}/_sim/stats`),
        json<Stats>(`${sims.siaghUrl}/_sim/stats`),
      ]);
      if (crm.numbered >= expected && siagh.numbered >= expected) break;
      if (maxSeconds > 0 && Date.now() - t0 > maxSeconds * 1000) {
        finished = false;
        say(
          `stopped at the cap of ${maxSeconds} s: CRM ${crm.numbered}/${expected}, Siagh ${siagh.numbered}/${expected}`,
        );
        break;
      }
      if (Date.now() - lastReport > 10_000) {
        // Where the work is waiting: the router's input, the syncer's live and bulk queues.
        const [changes, { live: work, bulk }] = await Promise.all([
          groupLag(kafka, `${prefix}siaghsync-router`, topicName('changes', prefix)),
          syncerLag(kafka, prefix),
        ]);
        const polled = await fetch(`http://127.0.0.1:${pollerPort}/metrics`).then(
          (r) => r.text(),
          () => '',
        );
        const every = metric(polled, 'siaghsync_poller_interval_seconds', { source: 'siagh' });
        const getAll = metric(polled, 'siaghsync_poller_siagh_getall_seconds');
        if (every > 0) polls.push({ every, getAll });
        say(
          `${Math.round((Date.now() - t0) / 1000)} s: CRM ${crm.numbered}/${expected}, Siagh ${siagh.numbered}/${expected}; lag: changes ${changes}, work ${work}, work-bulk ${bulk}; views ${(views.delays.at(-1) ?? 0).toFixed(1)} s behind; Siagh polled every ${every.toFixed(1)} s`,
        );
        lastReport = Date.now();
      }
      if (syncer.child.exitCode !== null) throw new Error(`syncer exited; see ${syncer.log}`);
      await new Promise((r) => setTimeout(r, 1000));
    }
    const seconds = (Date.now() - t0) / 1000;
    clearInterval(viewsTimer);
    await Promise.all([views.stop(), fresh.stop()]);
    if (finished) say(`both sides complete after ${seconds.toFixed(1)} s; waiting for the syncer to drain`);
    const liveResult = edits
      ? // A Siagh edit waits for the poll that sees it: late is not lost, so wait two intervals past it.
        await edits.stop(Math.min(600_000, 30_000 + 2_000 * Math.max(0, ...polls.map((p) => p.every))))
      : { crmToSiagh: [], siaghToCrm: [], siaghArrived: [], lost: 0, lostEdits: [] };
    const pollSplit = await pollWaits(kafka, codec, prefix, liveResult.siaghArrived);
    for (const e of liveResult.lostEdits)
      say(
        `live edit not arrived: ${e.side} edit at ${new Date(e.at).toISOString()} (${e.email}, CRM ${e.crmId}, Siagh ${e.code})`,
      );
    for (let i = 0; finished && i < 120; i++) {
      const lag = await syncerLag(kafka, prefix);
      if (lag.live + lag.bulk <= 12 * lag.topics) break;
      await new Promise((r) => setTimeout(r, 1000));
    }
    const text = await fetch(`http://127.0.0.1:${syncerPort}/metrics`).then((r) => r.text());
    const single = metric(text, 'siaghsync_syncer_api_reads_total', { kind: 'single' });
    const list = metric(text, 'siaghsync_syncer_api_reads_total', { kind: 'list' });
    const events = metric(text, 'siaghsync_syncer_events_total');
    const viewWrites = await projectorViewWrites(projectorPort);
    sampleRss();
    const med = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
    return {
      seconds,
      finished,
      expected,
      // A Siagh edit waits on average half an interval for the next poll, then for its GetAll: no
      // pipeline gets it out sooner, Siagh sends no webhooks.
      siaghPollWait: med(polls.map((p) => p.every)) / 2 + med(polls.map((p) => p.getAll)),
      crm,
      siagh,
      reads: { single, list, events },
      readsPerEvent: events === 0 ? 0 : (single + list) / events,
      rss,
      cpu,
      live: liveResult,
      pollSplit,
      viewsDelay: views.delays,
      viewWrites,
      freshness,
    };
  } finally {
    await Promise.all(services.map((p) => stopProc(p)));
    await Promise.all(all.filter((p) => !services.includes(p)).map((p) => stopProc(p)));
  }
}

/** Where the views' database spent its time: the projector's per-view write counters. */
async function projectorViewWrites(port: number): Promise<ImportRun['viewWrites']> {
  const text = await fetch(`http://127.0.0.1:${port}/metrics`)
    .then((r) => r.text())
    .catch(() => '');
  const out: ImportRun['viewWrites'] = {};
  for (const m of text.matchAll(/^siaghsync_projector_view_write_seconds_total\{view="([^"]+)"\} (\S+)$/gm)) {
    const view = m[1]!;
    out[view] = {
      inserted: metric(text, 'siaghsync_projector_view_documents_total', { view, op: 'insert' }),
      replaced: metric(text, 'siaghsync_projector_view_documents_total', { view, op: 'replace' }),
      seconds: Number(m[2]),
    };
  }
  return out;
}
