// `npm run bench -- e2e`: webhook -> target write latency of the whole pipeline at a fixed offered
// load, beside a bare kafkajs produce (acks=all) -> consume round trip at the same rate on the same
// broker, measured in the same run. Goals (issue #9): p50 <= 50 ms, p99 <= 250 ms.
//
// Both simulators (0 ms latency), ingest and the syncer run as child processes; this process only
// edits CRM records through the simulator's API (the CRM then sends its thin webhook to ingest, as the
// real one does) on an open-loop schedule, so a slow pipeline cannot slow the offered load down.
// Each edit writes a unique e-mail address; its latency runs from the moment the CRM sent the webhook
// to the moment the Siagh simulator received the write carrying that address (both clocks: the
// simulators' sub-millisecond wall clock on this machine). Every record is created in Siagh by an
// untimed warm-up first, so the timed edits are plain updates of linked customers.

import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createKafka, ensureTopics } from '@siaghsync/shared/kafka/index';
import { createLogger } from '@siaghsync/shared/logger';
import { EventCodec } from '@siaghsync/shared/registry';
import { clientEndpoints, loadStackConfig } from '../scripts/stack/config';
import { up } from '../scripts/stack/lifecycle';
import { simulatorEnv } from '../test/harness/systems';
import { bareRoundTrip } from './lib/bareRoundTrip';
import { editAtRate, waitWrites } from './lib/edits';
import { freePort, startProc, stopProc, waitHttp, type Proc } from './lib/procs';
import { figure, printTable, writeResults, type Figure } from './lib/results';
import { stagesOf } from './lib/stages';
import { percentiles } from './lib/stats';
import { sentById, webhookOf, WriteWatcher, type Delivery } from './lib/writes';

const RATE = Number(process.env.BENCH_E2E_RATE ?? 25);
const SECONDS = Number(process.env.BENCH_E2E_SECONDS ?? 40);
/** Records edited in turn: one record's edits are POOL / RATE seconds apart, far above the latency. */
const POOL = Number(process.env.BENCH_E2E_POOL ?? 200);
const SETTLE_MS = Number(process.env.BENCH_E2E_SETTLE_MS ?? 30_000);
const SECRET = 'bench-e2e-webhook-secret-0123456789';
const logger = createLogger({ service: 'bench-e2e', level: 'warn' });
const say = (m: string) => process.stderr.write(`[bench e2e] ${m}\n`);

async function endpoints(): Promise<{ KAFKA_BROKERS: string; SCHEMA_REGISTRY_URL: string }> {
  if (process.env.KAFKA_BROKERS && process.env.SCHEMA_REGISTRY_URL) {
    return { KAFKA_BROKERS: process.env.KAFKA_BROKERS, SCHEMA_REGISTRY_URL: process.env.SCHEMA_REGISTRY_URL };
  }
  const cfg = loadStackConfig();
  await up(cfg);
  const ep = clientEndpoints(cfg);
  return { KAFKA_BROKERS: ep.KAFKA_BROKERS, SCHEMA_REGISTRY_URL: ep.SCHEMA_REGISTRY_URL };
}

async function json<T>(url: string, init: RequestInit = {}): Promise<T> {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(10_000) });
  if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${url}: HTTP ${res.status}`);
  return (await res.json()) as T;
}

async function main(): Promise<void> {
  const ep = await endpoints();
  const prefix = `benche2e${Date.now().toString(36)}.`;
  const kafka = createKafka({ brokers: ep.KAFKA_BROKERS.split(','), clientId: 'bench-e2e', logger });
  await ensureTopics(kafka, prefix);
  await new EventCodec(ep.SCHEMA_REGISTRY_URL).registerAll();

  const [crmPort, siaghPort, ingestPort, syncerPort] = await Promise.all([1, 2, 3, 4].map(() => freePort()));
  const crmUrl = `http://127.0.0.1:${crmPort}`;
  const siaghUrl = `http://127.0.0.1:${siaghPort}`;
  const logDir = mkdtempSync(path.join(os.tmpdir(), 'siaghsync-bench-e2e-'));
  const infra = { ...ep, TOPIC_PREFIX: prefix, LOG_LEVEL: 'warn' };
  const sim = { SIM_LOG_LEVEL: 'warn', SIM_SEED: '9', SIM_OVERLAP: '0' };
  const procs: Proc[] = [
    startProc(
      'crm-sim',
      'simulators/crm/main.ts',
      {
        ...sim,
        CRM_SIM_PORT: String(crmPort),
        SIM_CUSTOMERS: String(POOL),
        CRM_SIM_WEBHOOK_URL: `http://127.0.0.1:${ingestPort}/webhooks/crm/${SECRET}`,
      },
      logDir,
    ),
    startProc(
      'siagh-sim',
      'simulators/siagh/main.ts',
      { ...sim, SIAGH_SIM_PORT: String(siaghPort), SIM_CUSTOMERS: '0' },
      logDir,
    ),
    startProc(
      'ingest',
      'services/ingest/src/main.ts',
      {
        ...infra,
        INGEST_PORT: String(ingestPort),
        INGEST_HOST: '127.0.0.1',
        CRM_WEBHOOK_SECRET: SECRET,
        INGEST_RATE_LIMIT_POINTS: '1000000',
      },
      logDir,
    ),
    startProc(
      'syncer',
      'services/syncer/src/main.ts',
      {
        ...infra,
        ...simulatorEnv({ url: crmUrl }, { url: siaghUrl }),
        SYNCER_PORT: String(syncerPort),
        SYNCER_INSTANCE_ID: `${prefix}bench`,
        SYNCER_GROUP_ID: `${prefix}syncer`,
        SYNCER_ROUTER_GROUP_ID: `${prefix}router`,
      },
      logDir,
    ),
  ];
  const stopAll = async () => {
    // The services first (they commit what they are doing), then the systems they talk to.
    await Promise.all(procs.slice(2).map((p) => stopProc(p)));
    await Promise.all(procs.slice(0, 2).map((p) => stopProc(p)));
  };
  process.once('SIGINT', () => void stopAll().then(() => process.exit(130)));
  try {
    say(`starting simulators, ingest and syncer (logs in ${logDir})...`);
    const [crm, siagh, ingest, syncer] = procs as [Proc, Proc, Proc, Proc];
    await Promise.all([
      waitHttp(crm, `${crmUrl}/_sim/faults`),
      waitHttp(siagh, `${siaghUrl}/_sim/faults`),
      waitHttp(ingest, `http://127.0.0.1:${ingestPort}/ready`),
      waitHttp(syncer, `http://127.0.0.1:${syncerPort}/ready`),
    ]);
    const dump = await json<{ identities: { crmId: string }[] }>(`${crmUrl}/_sim/dump`);
    const all = dump.identities.map((i) => i.crmId);
    const watcher = new WriteWatcher(siaghUrl);
    watcher.start();

    say(`warm-up: ${all.length} CRM customers created in Siagh (untimed)...`);
    const warm = await editAtRate(crmUrl, all, 'w', all.length, RATE, () => watcher.count('w'));
    await waitWrites(watcher, 'w', all.length, 120_000);
    const ids = warm.edits.filter((e) => watcher.firstWrite.has(e.key)).map((e) => e.id);
    if (ids.length < all.length) say(`warm-up: ${all.length - ids.length} customers not created; left out`);
    if (ids.length === 0) throw new Error(`warm-up created no customer in Siagh; see ${logDir}`);

    const total = Math.round(RATE * SECONDS);
    say(`timed: ${total} edits at ${RATE}/s over ${ids.length} linked customers...`);
    const timed = await editAtRate(crmUrl, ids, 't', total, RATE, () => watcher.count('t'));
    await waitWrites(watcher, 't', total, SETTLE_MS);
    await watcher.stop();
    const deliveries = await json<Delivery[]>(`${crmUrl}/_sim/webhooks/deliveries`);
    await stopAll();

    const sent = sentById(deliveries);
    const fromWebhook: number[] = [];
    const fromEdit: number[] = [];
    const accepted: number[] = [];
    for (const e of timed.edits) {
      const wrote = watcher.firstWrite.get(e.key);
      const hook = webhookOf(sent, e.id, e.editMs);
      if (wrote === undefined || hook === undefined) continue;
      fromWebhook.push(wrote - hook.sentMs);
      fromEdit.push(wrote - e.editMs);
      accepted.push(hook.answeredMs - hook.sentMs);
    }
    const achieved = total / timed.seconds;
    say(`baseline: bare kafkajs produce (acks=all) -> consume at ${RATE}/s for ${SECONDS} s...`);
    const bare = await bareRoundTrip(ep.KAFKA_BROKERS.split(','), `${prefix}bare`, RATE, SECONDS);

    const e2e = percentiles(fromWebhook);
    const edit = percentiles(fromEdit);
    const ack = percentiles(accepted);
    const base = percentiles(bare.latencies);
    const lost = total - fromWebhook.length;
    const pct = (name: 'p50' | 'p90' | 'p99', goal?: number) =>
      figure({
        name: `webhook -> target write ${name}`,
        value: e2e[name],
        unit: 'ms',
        baseline: `bare produce -> consume ${name}`,
        baselineValue: base[name],
        goal: goal === undefined ? 'report' : `<= ${goal} ms`,
        met: goal === undefined || e2e[name] <= goal,
      });
    const figures: Figure[] = [
      pct('p50', 50),
      pct('p90'),
      pct('p99', 250),
      figure({
        name: 'edits without a target write',
        value: lost + timed.failed,
        unit: 'count',
        baseline: 'bare messages not consumed',
        baselineValue: bare.lost,
        goal: '0',
        met: lost + timed.failed === 0,
      }),
      figure({
        name: 'offered load',
        value: achieved,
        unit: 'changes/s',
        baseline: 'target rate',
        baselineValue: RATE,
        goal: '>= 0.95x',
        met: achieved >= 0.95 * RATE,
      }),
    ];
    printTable('e2e', figures);
    // The raw samples, for a histogram when the percentiles alone do not say where the time goes.
    if (process.env.BENCH_E2E_SAMPLES)
      writeFileSync(process.env.BENCH_E2E_SAMPLES, JSON.stringify({ fromWebhook, fromEdit, accepted, bare }));
    const file = writeResults('e2e', figures);
    const r = (n: number) => Math.round(n * 10) / 10;
    const st = await stagesOf(ep.KAFKA_BROKERS.split(','), ep.SCHEMA_REGISTRY_URL, prefix);
    const p = (x: { p50: number; p99: number }) => `p50 ${r(x.p50)} / p99 ${r(x.p99)} ms`;
    say(
      `where the time goes: webhook answered by ingest (event in Kafka) ${p(ack)}; routed ${p(st.route)}; ` +
        `waiting for the syncer ${p(st.queue)}; syncer handling (reads, intent, write) ${p(st.handle)}; ` +
        `CRM edit -> target write ${p(edit)}; wrote ${file}`,
    );
    process.stdout.write(
      `e2e: ${fromWebhook.length}/${total} edits at ${r(achieved)}/s, webhook -> write p50 ${r(e2e.p50)} ms / ` +
        `p99 ${r(e2e.p99)} ms (bare round trip ${r(base.p50)} / ${r(base.p99)} ms); goals ` +
        `${figures.every((f) => f.met) ? 'met' : 'NOT met'}\n`,
    );
  } finally {
    await stopAll();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`bench e2e failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
