// `npm run bench -- syncer`: the syncer's figures, each beside a baseline measured in the same run.
//   1. changes/s through one syncer (router + processor) vs the API ceiling, the same creates made with
//      only the calls they need, without Kafka, at 0 ms and at 20 ms per Siagh write (goal >= 0.8x)
//   2. CPU per change of the syncer process vs the ceiling process's per create (goal <= 1.5x)
//   3. memory of the state table at a million linked entities (MB per million), vs their Avro size,
//      and the cost of a get() from it; BENCH_SYNCER_ONLY=memory measures these alone, without Kafka
//   4. state restore rate on assignment vs a bare consumer reading the same changelog
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { simulatorEnv } from '../test/harness/systems';
import {
  createKafka,
  createIdempotentProducer,
  ensureTopics,
  topicName,
  WORK_PARTITIONS,
} from '../shared/src/kafka/index';
import { createLogger } from '../shared/src/logger';
import { EventCodec } from '../shared/src/registry';
import { deterministicEventId, newChangeEvent, sourceKey, type SyncOutcome } from '../shared/src/events';
import { clientEndpoints, loadStackConfig } from '../scripts/stack/config';
import { up } from '../scripts/stack/lifecycle';
import { apiCeiling, benchSystems } from './lib/ceiling';
import { loadSyncerConfig } from '../services/syncer/src/config';
import { freePort, startProc, stopProc, waitHttp } from './lib/procs';
import { figure, printTable, writeResults, type Figure } from './lib/results';
import { restoreRates, waitUntil } from './lib/syncerState';
import { stateMemory, type StateMemory } from './lib/stateMemory';

const N = Number(process.env.BENCH_SYNCER_N ?? 2000);
const RESTORE_N = Number(process.env.BENCH_RESTORE_N ?? 50_000);
// The goal is stated at a million entities: measured there, not scaled from fewer.
const MEMORY_N = Number(process.env.BENCH_MEMORY_N ?? 1_000_000);
// BENCH_SYNCER_LOG_LEVEL=info shows the syncer's own logs (on stdout) when a run needs explaining.
const LOG_LEVEL = process.env.BENCH_SYNCER_LOG_LEVEL ?? 'warn';
const logger = createLogger({ service: 'bench-syncer', level: LOG_LEVEL });
const say = (m: string) => process.stderr.write(`[bench syncer] ${m}\n`);

async function endpoints() {
  if (process.env.KAFKA_BROKERS && process.env.SCHEMA_REGISTRY_URL) {
    return { KAFKA_BROKERS: process.env.KAFKA_BROKERS, SCHEMA_REGISTRY_URL: process.env.SCHEMA_REGISTRY_URL };
  }
  const cfg = loadStackConfig();
  await up(cfg);
  return clientEndpoints(cfg);
}

/** Runs one syncer over N creates; returns changes/s and target writes/s. */
async function syncerRun(ep: { KAFKA_BROKERS: string; SCHEMA_REGISTRY_URL: string }, writeLatencyMs: number) {
  const { crm: crmSim, siagh: siaghSim } = await benchSystems(N, writeLatencyMs);
  const prefix = `bench${Date.now().toString(36)}.`;
  const port = await freePort();
  const env: Record<string, string> = {
    ...ep,
    SYNCER_PORT: String(port),
    TOPIC_PREFIX: prefix,
    ...simulatorEnv(crmSim, siaghSim),
    SYNCER_INSTANCE_ID: `bench-${writeLatencyMs}`,
    LOG_LEVEL,
    // As deployed: the router signs the read it carries on as a thin import change's snapshot.
    OPERATOR_EVENT_KEY: randomBytes(32).toString('base64url'),
  };
  const kafka = createKafka({ brokers: ep.KAFKA_BROKERS.split(','), clientId: 'bench', logger });
  await ensureTopics(kafka, prefix);
  const codec = new EventCodec(ep.SCHEMA_REGISTRY_URL);
  await codec.registerAll();
  const producer = createIdempotentProducer(kafka);
  await producer.connect();
  const messages = await Promise.all(
    [...crmSim.store.identities.values()].map(async (i, k) => ({
      key: sourceKey('crm', i.crmId),
      value: await codec.encode(
        'ChangeEvent',
        newChangeEvent({
          eventId: deterministicEventId('bench', k),
          source: 'crm',
          entityType: 'customer',
          sourceId: i.crmId,
          operation: 'upsert',
          observedTime: Date.now(),
          trigger: 'backfill',
          correlationId: `bench-${k}`,
        }),
      ),
    })),
  );
  const cfg = loadSyncerConfig(env);
  // The syncer in its own process, as deployed: the simulators and this measuring code do not share
  // its event loop (they are the CRM and Siagh of the figure, not part of the syncer's cost).
  const logDir = fs.mkdtempSync(path.join(os.tmpdir(), 'siaghsync-bench-syncer-'));
  // BENCH_SYNCER_PROF=<dir> writes a CPU profile of the syncer process there.
  const prof = process.env.BENCH_SYNCER_PROF;
  const syncer = startProc(
    `syncer-${writeLatencyMs}ms`,
    'services/syncer/src/main.ts',
    env,
    logDir,
    prof ? ['--cpu-prof', `--cpu-prof-dir=${prof}`] : [],
  );
  await waitHttp(syncer, `http://127.0.0.1:${port}/ready`);
  // The clock starts when the changes are produced to an idle, started syncer.
  const cpu0 = await cpuSeconds(port);
  const t0 = performance.now();
  for (let i = 0; i < messages.length; i += 1000) {
    await producer.send({
      topic: topicName('changes', prefix),
      messages: messages.slice(i, i + 1000),
      acks: -1,
    });
  }
  let done = 0;
  const outcomes: SyncOutcome[] = [];
  const reader = kafka.consumer({ groupId: `${prefix}reader`, maxWaitTimeInMs: 50 });
  await reader.connect();
  await reader.subscribe({ topic: topicName('outcomes', prefix), fromBeginning: true });
  await reader.run({
    eachMessage: async ({ message }) => {
      if (!message.value) return;
      outcomes.push(await codec.decode<SyncOutcome>(message.value));
      done++;
    },
  });
  let last = 0;
  const progress = setInterval(() => {
    if (done !== last) say(`${writeLatencyMs} ms writes: ${done}/${N} events`);
    last = done;
  }, 5000);
  await waitUntil(() => done >= N, 10 * 60_000, `${N} outcomes`);
  clearInterval(progress);
  const seconds = (performance.now() - t0) / 1000;
  const writes = siaghSim.recorder
    .list()
    .filter((c) => c.path === '/BpmsApi/SaveFormData' && c.status === 200).length;
  // Each partition of `work` has its own lane (services/syncer/src/lanes.ts) with this many entities at once.
  const inFlight = cfg.SYNCER_MAX_IN_FLIGHT * WORK_PARTITIONS;
  const calls = [...crmSim.recorder.list(), ...siaghSim.recorder.list()];
  const perPath = new Map<string, number>();
  for (const c of calls) perPath.set(c.path, (perPath.get(c.path) ?? 0) + 1);
  say(
    `${(calls.length / N).toFixed(2)} HTTP calls per change: ` +
      [...perPath].map(([p, n]) => `${p} ${(n / N).toFixed(2)}`).join(', '),
  );
  const cpu = (await cpuSeconds(port)) - cpu0;
  await reader.disconnect();
  await stopProc(syncer);
  await producer.disconnect();
  await crmSim.close();
  await siaghSim.close();
  return {
    changesPerSec: N / seconds,
    writesPerSec: writes / seconds,
    cpuMsPerChange: (cpu * 1000) / N,
    inFlight,
    created: outcomes.filter((o) => o.status === 'created').length,
  };
}

/** CPU seconds the syncer process has used, from its own /metrics (prom-client's process metrics). */
async function cpuSeconds(port: number): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const m = /^siaghsync_syncer_process_cpu_seconds_total (\S+)$/m.exec(text);
  if (!m) throw new Error('the syncer /metrics has no process_cpu_seconds_total');
  return Number(m[1]);
}

function memoryFigures(mem: StateMemory): Figure[] {
  // Bytes per entity are MB per million.
  const mbPerMillion = mem.bytesPerEntity;
  return [
    figure({
      name: `state memory per million linked entities (measured at ${mem.count})`,
      value: mbPerMillion,
      unit: 'MB',
      baseline: 'Avro size of the same states (MB per million)',
      baselineValue: mem.avroBytes,
      goal: '<= 400 MB/M',
      met: mbPerMillion <= 400,
    }),
    figure({
      name: 'state get(), entities not read lately',
      value: mem.getColdMicros,
      unit: 'µs',
      baseline: 'Avro decode + fromRecord of the same state',
      baselineValue: mem.avroDecodeMicros,
      goal: 'report',
      met: true,
    }),
    figure({
      name: 'state get(), entities read again',
      value: mem.getHotMicros,
      unit: 'µs',
      baseline: 'Avro decode + fromRecord of the same state',
      baselineValue: mem.avroDecodeMicros,
      goal: 'report',
      met: true,
    }),
  ];
}

async function main(): Promise<void> {
  // BENCH_SYNCER_ONLY=slow (or fast) runs one syncer pass alone, for profiling; =memory the state
  // table's figures alone, with no broker. No results are written.
  const only = process.env.BENCH_SYNCER_ONLY;
  if (only === 'memory') {
    say(`memory of ${MEMORY_N} linked entities...`);
    printTable('syncer (state table only)', memoryFigures(await stateMemory(MEMORY_N)));
    process.exit(0);
  }
  const ep = await endpoints();
  if (only === 'fast' || only === 'slow') {
    const r = await syncerRun(ep, only === 'fast' ? 0 : 20);
    say(
      `${only}: ${r.changesPerSec.toFixed(1)} changes/s, ${r.writesPerSec.toFixed(1)} writes/s, ` +
        `${r.cpuMsPerChange.toFixed(2)} ms CPU per change, ${r.created} created`,
    );
    process.exit(0);
  }
  say(`syncer over ${N} creates, simulators at 0 ms...`);
  const fast = await syncerRun(ep, 0);
  say(`syncer over ${N} creates, 20 ms per Siagh write...`);
  const slow = await syncerRun(ep, 20);
  // No change can be synced without its API calls: the ceiling is those calls alone (read the CRM
  // record, look the customer number up in Siagh, create), same adapters, in-flight bound and simulators.
  say(`API ceiling (the calls a create needs, no Kafka), 0 ms and 20 ms writes...`);
  const ceilingFast = await apiCeiling(N, 0, fast.inFlight);
  const ceilingSlow = await apiCeiling(N, 20, slow.inFlight);
  const codec = new EventCodec(ep.SCHEMA_REGISTRY_URL);
  await codec.registerAll();
  say(`memory of ${MEMORY_N} linked entities...`);
  const mem = await stateMemory(MEMORY_N);
  say(`restore of ${RESTORE_N} state records...`);
  const restore = await restoreRates(ep, codec, RESTORE_N, logger);

  const ceilingBaseline = 'API ceiling: read + look up + create, same adapters, no Kafka';
  const figures: Figure[] = [
    figure({
      name: 'changes/s, simulators at 0 ms',
      value: fast.changesPerSec,
      unit: 'changes/s',
      baseline: ceilingBaseline,
      baselineValue: ceilingFast.rate,
      goal: '>= 0.8x',
      met: fast.changesPerSec / ceilingFast.rate >= 0.8,
    }),
    figure({
      name: 'changes/s, 20 ms per Siagh write',
      value: slow.changesPerSec,
      unit: 'changes/s',
      baseline: ceilingBaseline,
      baselineValue: ceilingSlow.rate,
      goal: '>= 0.8x',
      met: slow.changesPerSec / ceilingSlow.rate >= 0.8,
    }),
    figure({
      name: 'CPU per change, syncer process (0 ms)',
      value: fast.cpuMsPerChange,
      unit: 'ms',
      baseline: 'API ceiling process, per create',
      baselineValue: ceilingFast.cpuMsPerChange,
      goal: '<= 1.5x',
      met: fast.cpuMsPerChange / ceilingFast.cpuMsPerChange <= 1.5,
    }),
    ...memoryFigures(mem),
    figure({
      name: 'state restore rate',
      value: restore.restore,
      unit: 'records/s',
      baseline: 'bare consumer, same changelog',
      baselineValue: restore.bare,
      goal: 'report',
      met: true,
    }),
  ];
  printTable('syncer', figures);
  say(
    `wrote ${writeResults('syncer', figures)}; created ${fast.created} + ${slow.created} customers, no other outcome expected`,
  );
  process.exit(0);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench syncer failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
