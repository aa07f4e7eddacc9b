// `npm run bench -- projector`: replay throughput of the projector (decode + fold + write every view,
// from offset 0 of the real topics to the alias switch) beside a raw bulkWrite of the very documents
// the replay produced, into fresh collections with the same indexes, in the same database and run.
// A replay of 3,000 events takes about a second, so one pair of timings swings with whatever else the
// machine does (0.66x to 0.83x seen): the pair is measured BENCH_PROJECTOR_REPEATS times (default 5),
// each on its own topics and database, and the run with the median ratio is reported.
// Needs the stack (npm run stack -- up) or KAFKA_BROKERS / SCHEMA_REGISTRY_URL / MONGODB_URI.

import { MongoClient } from 'mongodb';
import { pino } from 'pino';
import { createKafka } from '@siaghsync/shared/kafka/index';
import { EventCodec } from '@siaghsync/shared/registry';
import { Projector } from '../services/projector/src/runner/projector';
import {
  collectionName,
  readAlias,
  readsSecondaryIndexes,
} from '../services/projector/src/store/collections';
import { VIEWS } from '../services/projector/src/views';
import { LogWriter } from '../services/projector/src/testing/produce';
import { conflict, outcome, T0 } from '../services/projector/src/testing/fixtures';
import { figure, printTable, writeResults } from './lib/results';
import { scaleRun, type ScaleRun } from './lib/projectorScale';

const BROKERS = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const REGISTRY = process.env.SCHEMA_REGISTRY_URL ?? 'http://127.0.0.1:8081/apis/ccompat/v7';
const MONGODB_URI = process.env.MONGODB_URI ?? 'mongodb://127.0.0.1:27017';
const EVENTS = Number(process.env.BENCH_PROJECTOR_EVENTS ?? 3000);
const CUSTOMERS = Number(process.env.BENCH_PROJECTOR_CUSTOMERS ?? 300);
const REPEATS = Number(process.env.BENCH_PROJECTOR_REPEATS ?? 5);
const TIMEOUT_MS = 300_000;

const logger = pino({ level: 'warn' }, pino.destination({ dest: '/dev/null', sync: false }));
const kafka = createKafka({ brokers: BROKERS, clientId: 'bench-projector', logger });

interface Pair {
  totalEvents: number;
  docs: number;
  replaySeconds: number;
  rawSeconds: number;
  ratio: number;
}

async function measure(run: string, label: string): Promise<Pair> {
  const writer = await LogWriter.open(kafka, REGISTRY, `${run}.`);
  const outcomes = Array.from({ length: EVENTS }, (_, i) =>
    outcome({
      outcomeId: `b-${i}`,
      canonicalKey: `customer:${10_000 + (i % CUSTOMERS)}`,
      naturalKey: String(10_000 + (i % CUSTOMERS)),
      status: i % 23 === 0 ? 'dead-lettered' : i % 4 === 0 ? 'skipped-echo' : 'synced',
      direction: i % 2 ? 'crm-to-siagh' : 'siagh-to-crm',
      occurredAt: T0 + i * 1000,
      fieldDiff:
        i % 4 === 0
          ? []
          : [
              {
                field: ['phone', 'email', 'name'][i % 3]!,
                side: i % 2 ? 'siagh' : 'crm',
                before: `v${i - 1}`,
                after: `v${i}`,
                reason: i % 2 ? 'changed-on-crm' : 'changed-on-siagh',
              },
            ],
    }),
  );
  for (let i = 0; i < outcomes.length; i += 500) await writer.outcomes(outcomes.slice(i, i + 500));
  await writer.conflicts(
    Array.from({ length: EVENTS / 100 }, (_, i) =>
      conflict({ conflictId: `bc-${i}`, canonicalKey: `customer:${10_000 + i}` }),
    ),
  );
  await writer.close();
  const totalEvents = EVENTS + EVENTS / 100;

  const client = await MongoClient.connect(MONGODB_URI);
  const db = client.db(run);
  let firstBatchAt = 0;
  const windows: { events: number; ms: number; applyMs: number; writeMs: number }[] = [];
  const projector = new Projector({
    kafka,
    codec: new EventCodec(REGISTRY),
    db,
    logger,
    topicPrefix: `${run}.`,
    groupId: `${run}-projector`,
    // Called per written window; `ms` runs from the first Kafka batch of the window, so the clock
    // starts when the first record is handled (group join excluded, reading and decoding included).
    onBatch: (_v, s) => {
      if (firstBatchAt === 0) firstBatchAt = Date.now() - s.ms;
      const writeMs = Object.values(s.views).reduce((t, v) => t + v.ms, 0);
      windows.push({ events: s.events, ms: s.ms, applyMs: s.applyMs, writeMs });
    },
  });
  const started = Date.now();
  await projector.start();
  const progress = setInterval(() => {
    const p = projector.progress();
    if (p) process.stdout.write(`\r${label}: replay ${p.done}/${p.total} (${Math.floor(p.ratio * 100)}%)   `);
  }, 1000);
  while (!(await readAlias(db)) && Date.now() - started < TIMEOUT_MS)
    await new Promise((r) => setTimeout(r, 50));
  clearInterval(progress);
  const switched = Date.now();
  await projector.stop();
  if (!(await readAlias(db))) throw new Error(`replay did not finish within ${TIMEOUT_MS} ms`);
  const replaySeconds = (switched - firstBatchAt) / 1000;
  if (process.env.BENCH_PROJECTOR_VERBOSE === '1')
    process.stderr.write(
      `\n${label}: ${windows.length} windows: ${windows.map((w) => `${w.events} events in ${w.ms} ms (apply ${w.applyMs.toFixed(0)} ms, its view writes ${w.writeMs.toFixed(0)} ms summed)`).join('; ')}; switch ${switched - firstBatchAt - windows.reduce((t, w) => t + w.ms, 0)} ms after the windows\n`,
    );

  // Baseline: the final documents of every view written raw with bulkWrite (insertOne, 1000 a call) into
  // fresh collections with the same indexes; reading them back is not part of its time.
  let docs = 0;
  // The same indexes the projector created: none where the database never reads them.
  const secondary = await readsSecondaryIndexes(db);
  const rawSeconds = await (async () => {
    let ms = 0;
    for (const view of VIEWS) {
      const all = await db.collection(collectionName(view.name, 1)).find({}).toArray();
      docs += all.length;
      const target = db.collection(`${view.name}__raw`);
      if (view.indexes.length && secondary) await target.createIndexes(view.indexes);
      const t0 = Date.now();
      for (let i = 0; i < all.length; i += 1000) {
        await target.bulkWrite(
          all.slice(i, i + 1000).map((d) => ({ insertOne: { document: d } })),
          { ordered: false },
        );
      }
      ms += Date.now() - t0;
    }
    return ms / 1000;
  })();

  await db.dropDatabase();
  await client.close();
  // Events/s over events/s of the same events: the ratio of the times, inverted.
  const ratio = rawSeconds / replaySeconds;
  return { totalEvents, docs, replaySeconds, rawSeconds, ratio };
}

const pairs: Pair[] = [];
for (let r = 0; r < REPEATS; r++) {
  const pair = await measure(`bench${Date.now().toString(36)}r${r}`, `run ${r + 1}/${REPEATS}`);
  pairs.push(pair);
  process.stdout.write(
    `\rrun ${r + 1}/${REPEATS}: replay ${pair.replaySeconds.toFixed(2)} s, raw bulkWrite ${pair.rawSeconds.toFixed(2)} s, ratio ${pair.ratio.toFixed(2)}\n`,
  );
}
const sorted = [...pairs].sort((a, b) => a.ratio - b.ratio);
const { totalEvents, docs, replaySeconds, rawSeconds } = sorted[Math.floor(sorted.length / 2)]!;
const replayRate = totalEvents / replaySeconds;
const rawRate = totalEvents / rawSeconds;
const figures = [
  figure({
    name: 'replay events/s (all six views, from offset 0 to the switch)',
    value: replayRate,
    unit: 'events/s',
    baseline: `raw bulkWrite of the same ${docs} final documents`,
    baselineValue: rawRate,
    goal: '>= 1.0x',
    met: replayRate / rawRate >= 1.0,
  }),
];

// Cost per live outcome at two view sizes (bench/lib/projectorScale.ts): BENCH_PROJECTOR_SCALE_DOCS=0
// skips it (the 300,000-document fill takes a few minutes).
const SCALE_DOCS = (process.env.BENCH_PROJECTOR_SCALE_DOCS ?? '10000,300000')
  .split(',')
  .map(Number)
  .filter((n) => n > 0);
const SCALE_LIVE = Number(process.env.BENCH_PROJECTOR_LIVE ?? 3000);
if (SCALE_DOCS.length === 2) {
  const say = (m: string) => process.stderr.write(`[bench projector] ${m}\n`);
  const runs: ScaleRun[] = [];
  for (const docs of SCALE_DOCS) {
    const r = await scaleRun({
      kafka,
      registryUrl: REGISTRY,
      mongoUri: MONGODB_URI,
      docs,
      live: SCALE_LIVE,
      logger,
      say,
    });
    say(
      `${docs.toLocaleString('en-US')} docs per view: ${r.live} live outcomes in ${r.liveSeconds.toFixed(1)} s, CPU per outcome: projector ${r.projectorMs.toFixed(2)} ms, database ${r.databaseMs === null ? 'not measured' : `${r.databaseMs.toFixed(2)} ms`}`,
    );
    runs.push(r);
  }
  const [small, big] = runs as [ScaleRun, ScaleRun];
  const total = (r: ScaleRun) => r.projectorMs + (r.databaseMs ?? 0);
  const what =
    small.databaseMs === null ? 'projector (database not on this machine)' : 'projector + database';
  figures.push(
    figure({
      name: `CPU per live outcome, ${what}, views of ${big.docs.toLocaleString('en-US')} docs`,
      value: total(big),
      unit: 'ms',
      baseline: `the same with views of ${small.docs.toLocaleString('en-US')} docs`,
      baselineValue: total(small),
      goal: '<= 1.3x',
      met: total(big) / total(small) <= 1.3,
    }),
  );
}
printTable('projector', figures);
process.stdout.write(
  `\nratios of the ${REPEATS} runs: ${sorted.map((p) => p.ratio.toFixed(2)).join(', ')} (median reported)\n` +
    `${totalEvents} events -> ${docs} view documents; replay ${replaySeconds.toFixed(1)} s (${Math.round(replayRate)} events/s), raw bulkWrite ${rawSeconds.toFixed(1)} s; results in ${writeResults('projector', figures)}\n`,
);
process.exit(0);
