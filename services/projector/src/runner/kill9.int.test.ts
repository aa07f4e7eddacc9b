import type { Db } from 'mongodb';
import { createKafka, topicName } from '@siaghsync/shared/kafka/index';
import { EventCodec } from '@siaghsync/shared/registry';
import { buildId, collectionName, metaCollection, readAlias, type BuildDoc } from '../store/collections';
import { viewHash } from '../store/hash';
import { conflict, deadLetter, outcome, resolution, T0, workChange } from '../testing/fixtures';
import { eventually, OPERATOR_TOKEN, openDb, openWriter, quietLogger, testConfig } from '../testing/harness';
import { freePort, kill9, spawnProjector, terminate, type ProjectorProcess } from '../testing/process';
import { writeScenario } from '../testing/scenario';
import type { ProjectorConfig } from '../config';
import { Projector } from './projector';
import { uniqueName } from '../../../../test/harness/names';

jest.setTimeout(120_000);

const OUTCOMES = 2400;
const CUSTOMERS = 120;
/** Small rebuild windows: the build spans several, so the kill lands between or inside them. */
const WINDOW = 300;

/** Outcomes with field changes over a few customers (documents rewritten window after window), conflicts, dead letters and operator requests. */
async function writeLog(cfg: ProjectorConfig): Promise<void> {
  const w = await openWriter(cfg);
  await writeScenario(w);
  const outcomes = Array.from({ length: OUTCOMES }, (_, i) =>
    outcome({
      outcomeId: `k-${i}`,
      canonicalKey: `customer:${3000 + (i % CUSTOMERS)}`,
      naturalKey: String(3000 + (i % CUSTOMERS)),
      status: i % 19 === 0 ? 'dead-lettered' : i % 4 === 0 ? 'skipped-echo' : 'synced',
      direction: i % 2 ? 'crm-to-siagh' : 'siagh-to-crm',
      occurredAt: T0 + i * 5_000,
      fieldDiff: [
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
  for (let i = 0; i < outcomes.length; i += 400) await w.outcomes(outcomes.slice(i, i + 400));
  const conflicts = Array.from({ length: 40 }, (_, i) =>
    conflict({ conflictId: `kc-${i}`, canonicalKey: `customer:${3000 + i}`, detectedAt: T0 + i }),
  );
  await w.conflicts(conflicts);
  await w.deadLetters(
    Array.from({ length: 20 }, (_, i) =>
      deadLetter({ deadLetterId: `kd-${i}`, canonicalKey: `customer:${3000 + i}` }),
    ),
  );
  await w.work(
    conflicts.slice(0, 5).map((c) => ({
      ...workChange(c.canonicalKey, `kw-${c.conflictId}`),
      kind: 'resolution' as const,
      change: null,
      resolution: JSON.stringify(resolution({ conflictId: c.conflictId, canonicalKey: c.canonicalKey })),
    })),
  );
  await w.close();
}

const buildDoc = async (db: Db) =>
  (await metaCollection(db).findOne({ _id: buildId(1) as never })) as BuildDoc | null;

/** Events of the build written and committed (the build document's progress, saved about every second). */
function progress(b: BuildDoc | null): { done: number; total: number } {
  let done = 0;
  let total = 0;
  for (const [pk, target] of Object.entries(b?.targets ?? {})) {
    total += target;
    done += Math.min(b?.progress[pk] ?? 0, target);
  }
  return { done, total };
}

/** Outcomes whose window the crashed build committed: its consumer group's offsets on the outcomes topic. */
async function committedOutcomes(cfg: ProjectorConfig): Promise<number> {
  const admin = createKafka({
    brokers: cfg.KAFKA_BROKERS,
    clientId: 'kill9-offsets',
    logger: quietLogger(),
  }).admin();
  await admin.connect();
  try {
    const [t] = await admin.fetchOffsets({
      groupId: `${cfg.PROJECTOR_GROUP_ID}.v1`,
      topics: [topicName('outcomes', cfg.TOPIC_PREFIX)],
    });
    return (t?.partitions ?? []).reduce((n, p) => n + Math.max(0, Number(p.offset)), 0);
  } finally {
    await admin.disconnect();
  }
}

async function cleanRebuild(cfg: ProjectorConfig): Promise<string> {
  const clean = { ...cfg, PROJECTOR_DB: uniqueName('kill9-clean').replace(/-/g, '_') };
  const { db, close } = await openDb(clean);
  const logger = quietLogger();
  const projector = new Projector({
    kafka: createKafka({ brokers: cfg.KAFKA_BROKERS, clientId: 'kill9-clean', logger }),
    codec: new EventCodec(cfg.SCHEMA_REGISTRY_URL),
    db,
    logger,
    topicPrefix: cfg.TOPIC_PREFIX,
    groupId: uniqueName('kill9-clean-grp'),
  });
  await projector.start();
  await eventually(
    () => readAlias(db),
    (a) => a?.version === 1,
    60_000,
  );
  await projector.stop();
  const { total } = await viewHash(db, 1);
  await db.dropDatabase();
  await close();
  return total;
}

describe('kill -9 of the projector process in the middle of a rebuild', () => {
  it('restarted, it finishes the rebuild with the view hash of a clean rebuild', async () => {
    const cfg = testConfig('kill9');
    await writeLog(cfg);
    const { db, close } = await openDb(cfg);
    const env = {
      KAFKA_BROKERS: cfg.KAFKA_BROKERS.join(','),
      SCHEMA_REGISTRY_URL: cfg.SCHEMA_REGISTRY_URL,
      MONGODB_URI: cfg.MONGODB_URI,
      TOPIC_PREFIX: cfg.TOPIC_PREFIX,
      PROJECTOR_DB: cfg.PROJECTOR_DB!,
      PROJECTOR_GROUP_ID: cfg.PROJECTOR_GROUP_ID,
      PROJECTOR_PORT: String(await freePort()),
      OPERATOR_TOKEN,
      PROJECTOR_REBUILD_FLUSH_EVENTS: String(WINDOW),
      // The killed process stays a member of the build's group until its session expires...
      PROJECTOR_SESSION_TIMEOUT_MS: '6000',
      // ... and holds the writer's lease until it expires.
      PROJECTOR_LEASE_MS: '6000',
    };
    const audit = db.collection(collectionName('sync_audit', 1));
    let child: ProjectorProcess = spawnProjector(env);
    try {
      // Wait until at least one window is committed and more are to come; then prefer the moment a
      // window's audit is written but the window not yet committed (a crash inside a window's writes).
      const started = await eventually(
        () => buildDoc(db),
        (b) => progress(b).done > 0 && progress(b).done < progress(b).total,
        60_000,
      );
      // Never past half of the build: a fast run finished the whole build within this wait and the kill
      // landed after the switch (fresh-clone CI at 2a1ce00).
      const deadline = Date.now() + 5_000;
      while (Date.now() < deadline) {
        if ((await audit.estimatedDocumentCount()) > (await committedOutcomes(cfg)) + 5) break;
        const now = progress(await buildDoc(db));
        if (now.done * 2 >= now.total) break;
      }
      await kill9(child);
      expect(child.signalCode).toBe('SIGKILL');
      expect(progress(started).done).toBeGreaterThan(0);
    } catch (err) {
      throw new Error(`${String(err)}\nprojector log:\n${child.logs.join('')}`, { cause: err });
    } finally {
      await kill9(child);
    }

    // The kill landed mid-rebuild: no switch, the build not complete, part of it written.
    expect(await readAlias(db)).toBeNull();
    const atKill = progress(await buildDoc(db));
    expect(atKill.done).toBeGreaterThan(0);
    expect(atKill.done).toBeLessThan(atKill.total);
    expect(await committedOutcomes(cfg)).toBeLessThan(OUTCOMES + 5);
    expect(await audit.estimatedDocumentCount()).toBeGreaterThan(0);

    child = spawnProjector(env);
    try {
      await eventually(
        () => readAlias(db),
        (a) => a?.version === 1,
        90_000,
      );
    } catch (err) {
      throw new Error(`${String(err)}\nprojector log:\n${child.logs.join('')}`, { cause: err });
    } finally {
      await terminate(child);
    }
    const crashed = await viewHash(db, 1);
    expect(crashed.views.sync_audit.count).toBe(OUTCOMES + 5);
    expect(crashed.total).toBe(await cleanRebuild(cfg));
    await db.dropDatabase();
    await close();
  });
});
