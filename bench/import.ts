// `npm run bench -- import`: the initial import at a real company's size, each figure beside its
// baseline from the same run.
//   1. BENCH_IMPORT_N customers a side (default 100,000), 50% overlap, simulators at 10 ms per call with
//      the adapters' rate limits out of the way: wall time of the import against the API ceiling (the
//      same creates through the same adapters and simulators, no Kafka; goal >= 0.8x), duplicates, pairs
//      linked, the syncer's API reads per event (goal <= 0.05), peak RSS of each service; and live edits
//      made during the import, BENCH_IMPORT_LIVE_RATE a second on each side (default 2): how long each
//      took to reach the other side (goal p50 <= 2 s, p99 <= 10 s).
//   2. BENCH_IMPORT_LIMITED_N customers a side (default: the same) with the default rate limits: wall
//      time against the floor the limits force (creates per side / that side's write limit; <= 1.2x).
//      BENCH_IMPORT_LIMITED_N=0 skips it (at 100,000 a side the floor alone is 42 minutes).
// Every part runs in its own process (simulators, ingest, syncer, poller, backfill), as under npm start.

import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createKafka, ensureTopics, topicName } from '../shared/src/kafka/index';
import { createLogger } from '../shared/src/logger';
import { EventCodec } from '../shared/src/registry';
import { groupLag } from '../test/harness/lag';
import { simulatorEnv } from '../test/harness/systems';
import { freePort, startProc, stopProc, waitHttp, type Proc } from './lib/procs';
import { percentiles } from './lib/stats';
import { figure, printTable, writeResults, type Figure } from './lib/results';
import { LiveEdits } from './lib/liveEdits';

const N = Number(process.env.BENCH_IMPORT_N ?? 100_000);
const LIMITED_N = Number(process.env.BENCH_IMPORT_LIMITED_N ?? N);
const LIVE_RATE = Number(process.env.BENCH_IMPORT_LIVE_RATE ?? 2);
const LATENCY_MS = 10;
const IN_FLIGHT = 96;
const SECRET = 'bench-import-webhook-secret-0123456789';
const logger = createLogger({ service: 'bench-import', level: 'warn' });
const say = (m: string) => process.stderr.write(`[bench import] ${m}\n`);

const ep = {
  KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? '127.0.0.1:9092',
  SCHEMA_REGISTRY_URL: process.env.SCHEMA_REGISTRY_URL ?? 'http://127.0.0.1:8081/apis/ccompat/v7',
};

async function json<T>(url: string, init: RequestInit = {}): Promise<T> {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(60_000) });
  if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${url}: HTTP ${res.status}`);
  return (await res.json()) as T;
}

interface Stats {
  records: number;
  numbered: number;
  duplicated: number;
}

/** Peak resident memory of a process (VmHWM), in MiB. */
function peakRssMiB(p: Proc): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${p.child.pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** CPU time a process has used so far (user + system), in seconds. */
function cpuSeconds(p: Proc): number {
  try {
    const fields = readFileSync(`/proc/${p.child.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

/** BENCH_PROFILE=syncer,poller: those services write a V8 CPU profile into the log directory. */
const profiled = (name: string, logDir: string): string[] =>
  (process.env.BENCH_PROFILE ?? '').split(',').includes(name)
    ? ['--cpu-prof', `--cpu-prof-dir=${logDir}`]
    : [];

function metric(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`)))
      sum += Number(line.split(' ').at(-1));
  }
  return sum;
}

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
async function ceiling(n: number, logDir: string) {
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

interface ImportRun {
  seconds: number;
  expected: number;
  crm: Stats;
  siagh: Stats;
  readsPerEvent: number;
  /** Median wait of a Siagh edit for the poll that sees it (half the interval + GetAll), s. */
  siaghPollWait: number;
  reads: { single: number; list: number; events: number };
  rss: Record<string, number>;
  /** CPU seconds each process used from its start to the end of the import. */
  cpu: Record<string, number>;
  live: { crmToSiagh: number[]; siaghToCrm: number[]; lost: number };
}

async function runImport(
  n: number,
  limits: 'lifted' | 'default',
  live: boolean,
  logDir: string,
): Promise<ImportRun> {
  const prefix = `benchimport${Date.now().toString(36)}.`;
  const kafka = createKafka({ brokers: ep.KAFKA_BROKERS.split(','), clientId: 'bench-import', logger });
  await ensureTopics(kafka, prefix);
  await new EventCodec(ep.SCHEMA_REGISTRY_URL).registerAll();
  const [ingestPort, syncerPort, pollerPort] = await Promise.all([freePort(), freePort(), freePort()]);
  const sims = await startSimulators(n, logDir, ingestPort);
  const infra = { ...ep, TOPIC_PREFIX: prefix, LOG_LEVEL: 'warn' };
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
    startProc(
      'poller',
      'services/poller/src/main.ts',
      { ...infra, ...adapters, POLLER_PORT: String(pollerPort) },
      logDir,
      profiled('poller', logDir),
    ),
  ];
  const [ingest, syncer, poller] = services as [Proc, Proc, Proc];
  const all = [...services, ...sims.procs];
  try {
    await Promise.all([
      waitHttp(ingest, `http://127.0.0.1:${ingestPort}/ready`),
      waitHttp(syncer, `http://127.0.0.1:${syncerPort}/ready`),
      waitHttp(poller, `http://127.0.0.1:${pollerPort}/ready`),
    ]);
    const expected = n + n - Math.round(n * 0.5);
    const edits = live
      ? await LiveEdits.start(sims.crmUrl, sims.siaghUrl, Math.round(n * 0.5), LIVE_RATE)
      : undefined;
    const t0 = Date.now();
    const backfill = startProc(
      'backfill',
      'services/poller/src/backfill-cli.ts',
      { ...infra, ...adapters, LOG_LEVEL: 'warn' },
      logDir,
      [],
      ['--source', 'both'],
    );
    all.push(backfill);
    let crm: Stats = { records: 0, numbered: 0, duplicated: 0 };
    let siagh: Stats = crm;
    let lastReport = 0;
    /** The Siagh poll interval in force and its GetAll's duration, sampled with each report (s). */
    const polls: { every: number; getAll: number }[] = [];
    // Sampled while they run: the backfill has exited (and its /proc entry gone) by the end.
    const rss: Record<string, number> = {};
    const cpu: Record<string, number> = {};
    const sampleRss = () => {
      for (const p of all) {
        rss[p.name] = Math.max(rss[p.name] ?? 0, peakRssMiB(p));
        cpu[p.name] = Math.max(cpu[p.name] ?? 0, cpuSeconds(p));
      }
    };
    for (;;) {
      sampleRss();
      [crm, siagh] = await Promise.all([
        json<Stats>(`${sims.crmUrl}/_sim/stats`),
        json<Stats>(`${sims.siaghUrl}/_sim/stats`),
      ]);
      if (crm.numbered >= expected && siagh.numbered >= expected) break;
      if (Date.now() - lastReport > 10_000) {
        // Where the work is waiting: the router's input, the syncer's live and bulk queues.
        const [changes, work, bulk] = await Promise.all([
          groupLag(kafka, `${prefix}siaghsync-router`, topicName('changes', prefix)),
          groupLag(kafka, `${prefix}siaghsync-syncer`, topicName('work', prefix)),
          groupLag(kafka, `${prefix}siaghsync-syncer`, topicName('workBulk', prefix)),
        ]);
        const polled = await fetch(`http://127.0.0.1:${pollerPort}/metrics`).then(
          (r) => r.text(),
          () => '',
        );
        const every = metric(polled, 'siaghsync_poller_interval_seconds', { source: 'siagh' });
        const getAll = metric(polled, 'siaghsync_poller_siagh_getall_seconds');
        if (every > 0) polls.push({ every, getAll });
        say(
          `${Math.round((Date.now() - t0) / 1000)} s: CRM ${crm.numbered}/${expected}, Siagh ${siagh.numbered}/${expected}; lag: changes ${changes}, work ${work}, work-bulk ${bulk}; Siagh polled every ${every.toFixed(1)} s`,
        );
        lastReport = Date.now();
      }
      if (syncer.child.exitCode !== null) throw new Error(`syncer exited; see ${syncer.log}`);
      await new Promise((r) => setTimeout(r, 1000));
    }
    const seconds = (Date.now() - t0) / 1000;
    say(`both sides complete after ${seconds.toFixed(1)} s; waiting for the syncer to drain`);
    const liveResult = edits
      ? await edits.stop(30_000)
      : { crmToSiagh: [], siaghToCrm: [], lost: 0, lostEdits: [] };
    for (const e of liveResult.lostEdits)
      say(
        `live edit not arrived: ${e.side} edit at ${new Date(e.at).toISOString()} (${e.email}, CRM ${e.crmId}, Siagh ${e.code})`,
      );
    for (let i = 0; i < 120; i++) {
      const lag =
        (await groupLag(kafka, `${prefix}siaghsync-syncer`, topicName('work', prefix))) +
        (await groupLag(kafka, `${prefix}siaghsync-syncer`, topicName('workBulk', prefix)));
      if (lag <= 24) break;
      await new Promise((r) => setTimeout(r, 1000));
    }
    const text = await fetch(`http://127.0.0.1:${syncerPort}/metrics`).then((r) => r.text());
    const single = metric(text, 'siaghsync_syncer_api_reads_total', { kind: 'single' });
    const list = metric(text, 'siaghsync_syncer_api_reads_total', { kind: 'list' });
    const events = metric(text, 'siaghsync_syncer_events_total');
    sampleRss();
    const med = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
    return {
      seconds,
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
    };
  } finally {
    await Promise.all(services.map((p) => stopProc(p)));
    await Promise.all(all.filter((p) => !services.includes(p)).map((p) => stopProc(p)));
  }
}

async function main(): Promise<void> {
  const logDir = mkdtempSync(path.join(os.tmpdir(), 'siaghsync-bench-import-'));
  const figures: Figure[] = [];
  say(`logs in ${logDir}`);
  say(
    `${N} customers a side, 50% overlap, simulators at ${LATENCY_MS} ms per call, adapters' rate limits lifted`,
  );
  say('API ceiling: the creates alone, same adapters and simulators, no Kafka...');
  const c = await ceiling(N, logDir);
  say(
    `ceiling: ${c.creates} creates (${c.siaghCreates} in Siagh, ${c.crmCreates} in the CRM) in ${c.seconds.toFixed(1)} s`,
  );
  say(`the pipeline: backfill, syncer, poller and ingest, with ${LIVE_RATE} live edits/s on each side...`);
  const r = await runImport(N, 'lifted', LIVE_RATE > 0, logDir);
  const p1 = percentiles(r.live.crmToSiagh.slice().sort((a, b) => a - b));
  const p2 = percentiles(r.live.siaghToCrm.slice().sort((a, b) => a - b));
  figures.push(
    figure({
      name: `import ${N}/side, 10 ms, limits lifted: ceiling wall / pipeline wall`,
      value: r.seconds,
      unit: 's',
      baseline: 'API ceiling (the creates alone), s',
      baselineValue: c.seconds,
      ratio: c.seconds / r.seconds,
      goal: '>= 0.8x',
      met: c.seconds / r.seconds >= 0.8,
    }),
    figure({
      name: 'duplicated customer numbers (CRM + Siagh)',
      value: r.crm.duplicated + r.siagh.duplicated,
      unit: '',
      baseline: 'none',
      baselineValue: 0,
      ratio: 0,
      goal: '0',
      met: r.crm.duplicated + r.siagh.duplicated === 0,
    }),
    figure({
      name: 'customers on both sides',
      value: Math.min(r.crm.numbered, r.siagh.numbered),
      unit: '',
      baseline: 'customers in the dataset',
      baselineValue: r.expected,
      goal: '= 1x',
      met: r.crm.numbered === r.expected && r.siagh.numbered === r.expected,
    }),
    figure({
      name: `syncer API reads per event (${r.reads.single} single, ${r.reads.list} list calls, ${r.reads.events} events)`,
      value: r.readsPerEvent,
      unit: 'reads/event',
      baseline: 'one read per event',
      baselineValue: 1,
      goal: '<= 0.05',
      met: r.readsPerEvent <= 0.05,
    }),
    ...Object.entries(r.rss).map(([name, mib]) =>
      figure({
        name: `peak RSS ${name}`,
        value: mib,
        unit: 'MiB',
        baseline: 'report',
        baselineValue: 0,
        ratio: 0,
        goal: 'report',
        met: true,
      }),
    ),
  );
  say(
    `CPU seconds used: ${Object.entries(r.cpu)
      .map(([name, s]) => `${name} ${s.toFixed(1)}`)
      .join(', ')}`,
  );
  if (LIVE_RATE > 0) {
    for (const [dir, p, n] of [
      ['CRM -> Siagh', p1, r.live.crmToSiagh.length],
      ['Siagh -> CRM', p2, r.live.siaghToCrm.length],
    ] as const) {
      figures.push(
        figure({
          name: `live edit during the import, ${dir}, p50 (${n} edits)`,
          value: p.p50 / 1000,
          unit: 's',
          baseline: 'goal',
          baselineValue: 2,
          goal: '<= 2 s',
          met: n > 0 && p.p50 <= 2000,
        }),
        figure({
          name: `live edit during the import, ${dir}, p99`,
          value: p.p99 / 1000,
          unit: 's',
          baseline: 'goal',
          baselineValue: 10,
          goal: '<= 10 s',
          met: n > 0 && p.p99 <= 10_000,
        }),
      );
    }
    figures.push(
      figure({
        name: 'live edit during the import, Siagh -> CRM, p50, beside the wait for the poll that sees it',
        value: p2.p50 / 1000,
        unit: 's',
        baseline: 'half the Siagh poll interval in force + its GetAll, s',
        baselineValue: r.siaghPollWait,
        goal: '<= poll wait + 2 s',
        met: r.live.siaghToCrm.length > 0 && p2.p50 / 1000 <= r.siaghPollWait + 2,
      }),
      figure({
        name: 'live edits that never arrived',
        value: r.live.lost,
        unit: '',
        baseline: 'none',
        baselineValue: 0,
        ratio: 0,
        goal: '0',
        met: r.live.lost === 0,
      }),
    );
  }
  if (LIMITED_N > 0) {
    say(`${LIMITED_N} customers a side with the default rate limits (CRM 50/s, Siagh 20/s)...`);
    const l = await runImport(LIMITED_N, 'default', false, logDir);
    const creates = LIMITED_N - Math.round(LIMITED_N * 0.5);
    const floor = Math.max(creates / 20, creates / 50);
    figures.push(
      figure({
        name: `import ${LIMITED_N}/side, default rate limits: wall / floor`,
        value: l.seconds,
        unit: 's',
        baseline: 'floor: creates per side / write limit, s',
        baselineValue: floor,
        goal: '<= 1.2x',
        met: l.seconds / floor <= 1.2,
      }),
    );
  }
  printTable('import', figures);
  say(`results: ${writeResults('import', figures)}`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    say(`failed: ${(err as Error).stack ?? String(err)}`);
    process.exit(1);
  },
);
