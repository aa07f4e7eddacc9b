import type { Db } from 'mongodb';
import { createKafka } from '@siaghsync/shared/kafka/index';
import { EventCodec } from '@siaghsync/shared/registry';
import { readAlias } from '../store/collections';
import { viewHash } from '../store/hash';
import { applyBatch } from '../store/apply';
import { conflict, outcome, resolution, T0, workChange } from '../testing/fixtures';
import { eventually, openDb, openWriter, quietLogger, testConfig } from '../testing/harness';
import type { LogWriter } from '../testing/produce';
import { writeScenario } from '../testing/scenario';
import type { ProjectorConfig } from '../config';
import { Projector } from './projector';
import { decodeRecord } from './decode';
import { streamTopics } from './runner';
import { posKey, type Positioned } from '../events';
import type { Positions } from '../views/types';
import { uniqueName } from '../../../../test/harness/names';

jest.setTimeout(180_000);

/** n outcomes over 40 customers with field changes, plus conflicts and operator resolutions on `work`. */
async function writeLoad(w: LogWriter, from: number, n: number): Promise<void> {
  const outcomes = Array.from({ length: n }, (_, k) => {
    const i = from + k;
    const key = `customer:${2000 + (i % 40)}`;
    return outcome({
      outcomeId: `load-${i}`,
      canonicalKey: key,
      naturalKey: String(2000 + (i % 40)),
      status: i % 17 === 0 ? 'dead-lettered' : i % 5 === 0 ? 'skipped-echo' : 'synced',
      direction: i % 2 ? 'crm-to-siagh' : 'siagh-to-crm',
      occurredAt: T0 + i * 7_000,
      fieldDiff: [
        {
          field: i % 3 ? 'phone' : 'email',
          side: i % 2 ? 'siagh' : 'crm',
          before: `v${i - 1}`,
          after: `v${i}`,
          reason: i % 2 ? 'changed-on-crm' : 'changed-on-siagh',
        },
      ],
    });
  });
  for (let i = 0; i < outcomes.length; i += 100) await w.outcomes(outcomes.slice(i, i + 100));
  const conflicts = Array.from({ length: Math.ceil(n / 50) }, (_, k) =>
    conflict({ conflictId: `lc-${from + k}`, canonicalKey: `customer:${2000 + k}`, detectedAt: T0 + k }),
  );
  await w.conflicts(conflicts);
  await w.work(
    conflicts.slice(0, 2).map((c) => ({
      ...workChange(c.canonicalKey, `w-${c.conflictId}`),
      kind: 'resolution' as const,
      change: null,
      resolution: JSON.stringify(resolution({ conflictId: c.conflictId, canonicalKey: c.canonicalKey })),
    })),
  );
}

function makeProjector(
  cfg: ProjectorConfig,
  db: Db,
  buildSignal?: AbortSignal,
): { projector: Projector; batches: () => number } {
  const logger = quietLogger();
  let batches = 0;
  const projector = new Projector({
    kafka: createKafka({ brokers: cfg.KAFKA_BROKERS, clientId: 'projector-rebuild-test', logger }),
    codec: new EventCodec(cfg.SCHEMA_REGISTRY_URL),
    db,
    logger,
    topicPrefix: cfg.TOPIC_PREFIX,
    groupId: cfg.PROJECTOR_GROUP_ID,
    onBatch: () => void batches++,
    // Small windows: the log of these tests spans several, so a crash can land between and inside them.
    rebuildFlush: { maxEvents: 150, maxAgeMs: 2000 },
    ...(buildSignal ? { buildSignal } : {}),
  });
  return { projector, batches: () => batches };
}

async function endOffsets(cfg: ProjectorConfig): Promise<Positions> {
  const admin = createKafka({
    brokers: cfg.KAFKA_BROKERS,
    clientId: 'end-offsets',
    logger: quietLogger(),
  }).admin();
  await admin.connect();
  const ends: Positions = {};
  for (const [topic, stream] of streamTopics(cfg.TOPIC_PREFIX)) {
    for (const p of await admin.fetchTopicOffsets(topic))
      ends[posKey({ stream, partition: p.partition })] = Number(p.high);
  }
  await admin.disconnect();
  return ends;
}

/** The whole log decoded, as a second delivery of every record would bring it. */
async function readLog(cfg: ProjectorConfig): Promise<Positioned[]> {
  const kafka = createKafka({ brokers: cfg.KAFKA_BROKERS, clientId: 'log-reader', logger: quietLogger() });
  const codec = new EventCodec(cfg.SCHEMA_REGISTRY_URL);
  const admin = kafka.admin();
  await admin.connect();
  const topics = streamTopics(cfg.TOPIC_PREFIX);
  // Transaction markers take offsets too: done when every partition's position reached its end offset.
  const ends = new Map<string, number>();
  for (const t of topics.keys())
    for (const p of await admin.fetchTopicOffsets(t)) ends.set(`${t}:${p.partition}`, Number(p.high));
  await admin.disconnect();
  const positions = new Map<string, number>();
  const done = () => [...ends].every(([k, end]) => end === 0 || (positions.get(k) ?? 0) >= end);
  const consumer = kafka.consumer({ groupId: uniqueName('log-reader') });
  const out: Positioned[] = [];
  await consumer.connect();
  await consumer.subscribe({ topics: [...topics.keys()], fromBeginning: true });
  await new Promise<void>((resolve) => {
    if (done()) return resolve();
    consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
      positions.set(`${payload.topic}:${payload.partition}`, Number(payload.lastOffset) + 1);
      if (done()) resolve();
    });
    void consumer.run({
      eachBatch: async ({ batch }) => {
        const stream = topics.get(batch.topic)!;
        for (const message of batch.messages) {
          const event = await decodeRecord(codec, stream, message);
          if (event)
            out.push({ event, pos: { stream, partition: batch.partition, offset: Number(message.offset) } });
        }
      },
    });
  });
  await consumer.disconnect();
  return out;
}

describe('projection by replay (real Kafka, registry, FerretDB)', () => {
  const cfg = testConfig('rebuild');
  let writer: LogWriter;
  let cleanHash = '';

  beforeAll(async () => {
    writer = await openWriter(cfg);
    await writeScenario(writer);
    await writeLoad(writer, 0, 600);
  });
  afterAll(async () => writer?.close().catch(() => undefined));

  it('builds version 1 from offset 0; applying the same log again leaves the identical hash', async () => {
    const { db, close } = await openDb(cfg);
    const { projector } = makeProjector(cfg, db);
    await projector.start();
    await eventually(
      () => readAlias(db),
      (a) => a?.version === 1,
      90_000,
    );
    await projector.stop();
    const first = await viewHash(db, 1);
    expect(first.views.sync_audit.count).toBe(605);
    expect(first.views.conflicts.count).toBe(13);
    cleanHash = first.total;

    const log = await readLog(cfg);
    for (let i = 0; i < log.length; i += 500) await applyBatch(db, 1, log.slice(i, i + 500));
    expect((await viewHash(db, 1)).total).toBe(cleanHash);
    await close();
  });

  it('a rebuild killed half-way and restarted ends with the hash of a clean build', async () => {
    const { db, close } = await openDb({ ...cfg, PROJECTOR_DB: uniqueName('kill').replace(/-/g, '_') });
    const abort = new AbortController();
    const crashing = makeProjector(
      { ...cfg, PROJECTOR_GROUP_ID: `${cfg.PROJECTOR_GROUP_ID}-kill` },
      db,
      abort.signal,
    );
    await crashing.projector.start();
    await eventually(
      () => Promise.resolve(crashing.batches()),
      (n) => n >= 2,
      60_000,
    );
    abort.abort(); // the next view write of the build fails: a batch half-written, its offsets uncommitted
    await new Promise((r) => setTimeout(r, 300));
    await crashing.projector.stop();
    expect(await readAlias(db)).toBeNull();

    const restarted = makeProjector({ ...cfg, PROJECTOR_GROUP_ID: `${cfg.PROJECTOR_GROUP_ID}-kill` }, db);
    await restarted.projector.start();
    await eventually(
      () => readAlias(db),
      (a) => a?.version === 1,
      90_000,
    );
    await restarted.projector.stop();
    expect((await viewHash(db, 1)).total).toBe(cleanHash);
    await close();
  });

  it('rebuilds while events keep arriving, switches atomically, and equals a later clean rebuild', async () => {
    const { db, close } = await openDb(cfg);
    const { projector } = makeProjector(cfg, db);
    await projector.start(); // resumes live v1
    let more = 600;
    let producing = true;
    const load = (async () => {
      while (producing) {
        // A steady live rate (20 outcomes a second) while the rebuild replays the backlog.
        await writeLoad(writer, more, 20);
        more += 20;
        await new Promise((r) => setTimeout(r, 1000));
      }
    })().catch((err: unknown) => err);
    const versionsSeen = new Set<number>();
    const reader = setInterval(() => void readAlias(db).then((a) => a && versionsSeen.add(a.version)), 50);
    await projector.rebuild();
    await eventually(
      () => readAlias(db),
      (a) => a?.version === 2,
      120_000,
    ).catch((err: unknown) => {
      throw new Error(`${String(err)}; rebuild progress ${JSON.stringify(projector.progress())}`);
    });
    producing = false;
    await load;
    clearInterval(reader);
    expect([...versionsSeen].sort()).toEqual([1, 2]);
    // v2 stays live and takes in what arrived after the switch.
    await eventually(
      async () => (await viewHash(db, 2)).views.sync_audit.count,
      (c) => c === more + 5,
      60_000,
    );
    // The audit is written first in a window: the other views are complete once the window is.
    const ends = await endOffsets(cfg);
    const v2 = projector.runners().find((r) => r.version === 2)!;
    await eventually(
      () => Promise.resolve(v2.positions),
      (p) => Object.entries(ends).every(([pk, end]) => (p[pk] ?? 0) >= end),
    );
    const live = await viewHash(db, 2);
    await projector.rebuild();
    await eventually(
      () => readAlias(db),
      (a) => a?.version === 3,
      120_000,
    );
    await projector.stop();
    expect((await viewHash(db, 3)).total).toBe(live.total);
    await close();
  });
});
