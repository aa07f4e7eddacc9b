import type { Db } from 'mongodb';
import type { ApplyStats } from '../store/apply';
import type { Kafka } from '@siaghsync/shared/kafka/index';
import type { EventCodec } from '@siaghsync/shared/registry';
import type { Logger } from '@siaghsync/shared/logger';
import { posKey, type Stream } from '../events';
import {
  buildId,
  collectionName,
  dropVersion,
  ensureIndexes,
  readsSecondaryIndexes,
  metaCollection,
  readAlias,
  readBuild,
  readBuilds,
  switchAlias,
  type BuildDoc,
} from '../store/collections';
import type { AnyView, Positions } from '../views/types';
import { VIEWS } from '../views';
import { ProjectionRunner, streamTopics, type RunnerDeps } from './runner';
import { LIVE_FLUSH, REBUILD_FLUSH, type FlushPolicy } from './window';
import { WriteLock } from '../store/lock';
import { Lease } from '../store/lease';
import { ActiveStandby } from './standby';

export interface ProjectorDeps {
  kafka: Kafka;
  codec: EventCodec;
  db: Db;
  logger: Logger;
  topicPrefix: string;
  groupId: string;
  onBatch?: (version: number, stats: ApplyStats & { ms: number }) => void;
  onDecodeError?: (stream: Stream, err: unknown) => void;
  /** Where records that can never be decoded go (runner.ts); unset: logged and skipped. */
  quarantine?: RunnerDeps['quarantine'];
  /** Test hook: aborting it makes the building runner fail mid-batch, like a kill -9. */
  buildSignal?: AbortSignal;
  /** Length of the writer's lease (default 10 s): how long a crashed writer blocks a standby. */
  leaseMs?: number;
  /** Consumer group session timeout of the runners (kafkajs default when unset). */
  sessionTimeoutMs?: number;
  /** Window bounds of a rebuild (defaults: REBUILD_FLUSH). */
  rebuildFlush?: FlushPolicy;
  /** The views' query indexes: `auto` creates them when the database reads them (readsSecondaryIndexes). */
  secondaryIndexes?: 'auto' | 'on' | 'off';
}

export interface BuildProgress {
  version: number;
  startedAt: number;
  done: number;
  total: number;
  ratio: number;
}

/**
 * Views whose collection a version lacks. A build creates every view's collection with its indexes
 * before it folds anything (ensureIndexes, with or without indexes), so a missing one is a
 * view the code gained after that version was built.
 */
export async function missingViews(db: Db, version: number): Promise<string[]> {
  const have = new Set((await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name));
  return VIEWS.map((v) => v.name).filter((name) => !have.has(collectionName(name, version)));
}

export const viewRevisions = (views: readonly AnyView[] = VIEWS): Record<string, number> =>
  Object.fromEntries(views.map((v) => [v.name, v.revision ?? 1]));

/** Views a build folded with another revision than the code's (a build without the record: all at 1). */
export function revisedViews(
  build: Pick<BuildDoc, 'revisions'> | null,
  views: readonly AnyView[] = VIEWS,
): string[] {
  const built = build?.revisions ?? {};
  return views.filter((v) => (built[v.name] ?? 1) !== (v.revision ?? 1)).map((v) => v.name);
}

/**
 * Blue/green views. The live version serves reads through the alias; a rebuild folds the log from
 * offset 0 into version n+1 beside it, and when it has reached the end offsets seen at its start, the
 * alias moves in one document write. The previous version is kept (a rollback) and older ones dropped.
 */
export class Projector {
  private live: ProjectionRunner | null = null;
  private building: { runner: ProjectionRunner; build: BuildDoc } | null = null;
  private timer: NodeJS.Timeout | null = null;
  private finishing = false;
  private lastProgressWrite = 0;
  private readonly lease: Lease;
  /** Every write of this instance checks the lease right before it is issued. */
  private readonly lock = new WriteLock(() => this.lease.assertHeld());
  private readonly standby: ActiveStandby;

  constructor(private readonly deps: ProjectorDeps) {
    this.lease = new Lease(deps.db, deps.leaseMs ?? 10_000, deps.logger);
    this.standby = new ActiveStandby(
      this.lease,
      { activate: () => this.activate(), deactivate: () => this.deactivate() },
      deps.logger,
    );
  }

  /** Whether this instance writes the views (holds the lease); a standby only serves reads. */
  get active(): boolean {
    return this.standby.active;
  }

  get liveVersion(): number | null {
    return this.live?.version ?? null;
  }

  runners(): ProjectionRunner[] {
    return [this.live, this.building?.runner].filter(
      (r): r is ProjectionRunner => r !== null && r !== undefined,
    );
  }

  /** Writes the views if no other instance does, else stands by until it can take over. */
  start(): Promise<void> {
    return this.standby.start();
  }

  /** Writes what the runners have read, leaves the groups and hands the lease on. */
  stop(): Promise<void> {
    return this.standby.stop();
  }

  private async activate(): Promise<void> {
    const alias = await readAlias(this.deps.db);
    // Read before the live runner starts: it creates a collection it writes to.
    const missing = alias ? await missingViews(this.deps.db, alias.version) : [];
    const revised = alias ? revisedViews(await readBuild(this.deps.db, alias.version)) : [];
    if (alias) this.live = await this.startRunner(alias.version, null);
    const pending = (await readBuilds(this.deps.db)).find((b) => b.status === 'building');
    let resumed = false;
    if (pending && pending.version === alias?.version) {
      await this.lock.run(() =>
        metaCollection(this.deps.db).updateOne(
          { _id: pending._id as never },
          { $set: { status: 'live', finishedAt: Date.now() } },
        ),
      );
    } else if (pending && revisedViews(pending).length === 0) {
      await this.resume(pending);
      resumed = true;
    } else if (pending) {
      // Begun by an older release: its documents so far are the older fold's. Dropped, built anew below.
      this.deps.logger.info({ version: pending.version }, 'dropping a rebuild begun by an older fold');
      await this.lock.run(async () => {
        await dropVersion(this.deps.db, pending.version);
        await metaCollection(this.deps.db).updateOne(
          { _id: pending._id as never },
          { $set: { status: 'dropped', finishedAt: Date.now() } },
        );
      });
    }
    if (resumed) {
      /* the build under way goes on */
    } else if (!alias) await this.rebuild();
    else if (missing.length > 0 || revised.length > 0) {
      // A view added since the live version was built (a new release) has only what the live runner
      // folds from now on, and one whose fold changed holds documents of both forms: the views are
      // rebuilt from offset 0 beside it, and the alias moves when done.
      this.deps.logger.info(
        { version: alias.version, views: missing, revised },
        'views added or changed since the live version was built: rebuilding',
      );
      await this.rebuild();
    }
    this.timer = setInterval(() => this.checkCaughtUpSoon(), 500);
  }

  private async deactivate(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    const runners = this.runners();
    this.live = null;
    this.building = null;
    await Promise.all(runners.map((r) => r.stop()));
  }

  /** Starts a rebuild into the next version; returns the running one if a rebuild is under way. */
  async rebuild(): Promise<BuildProgress> {
    this.lease.assertHeld();
    if (this.building) return this.progress()!;
    const builds = await readBuilds(this.deps.db);
    const alias = await readAlias(this.deps.db);
    const version = Math.max(0, alias?.version ?? 0, ...builds.map((b) => b.version)) + 1;
    const build: BuildDoc = {
      _id: buildId(version),
      version,
      status: 'building',
      startedAt: Date.now(),
      finishedAt: null,
      targets: await this.endOffsets(),
      progress: {},
      views: VIEWS.map((v) => v.name),
      revisions: viewRevisions(),
    };
    // Leftovers of a version number reused after a crash before its build document was written.
    await this.lock.run(async () => {
      await dropVersion(this.deps.db, version);
      await metaCollection(this.deps.db).insertOne(build as never);
    });
    await this.resume(build);
    return this.progress()!;
  }

  progress(): BuildProgress | null {
    if (!this.building) return null;
    const { build, runner } = this.building;
    let done = 0;
    let total = 0;
    for (const [pk, target] of Object.entries(build.targets)) {
      total += target;
      done += Math.min(runner.positions[pk] ?? 0, target);
    }
    return {
      version: build.version,
      startedAt: build.startedAt,
      done,
      total,
      ratio: total === 0 ? 1 : done / total,
    };
  }

  private async resume(build: BuildDoc): Promise<void> {
    const mode = this.deps.secondaryIndexes ?? 'auto';
    const secondary = mode === 'auto' ? await readsSecondaryIndexes(this.deps.db) : mode === 'on';
    await this.lock.run(() => ensureIndexes(this.deps.db, build.version, secondary));
    const runner = await this.startRunner(build.version, build.targets);
    this.building = { runner, build };
    this.deps.logger.info({ version: build.version, targets: build.targets }, 'rebuild running');
    await this.checkCaughtUp();
  }

  /** `targets`: the end offsets a build must reach; null for the live version. */
  private async startRunner(version: number, targets: Positions | null): Promise<ProjectionRunner> {
    const isBuild = targets !== null;
    const runner = new ProjectionRunner({
      kafka: this.deps.kafka,
      codec: this.deps.codec,
      db: this.deps.db,
      logger: this.deps.logger,
      topicPrefix: this.deps.topicPrefix,
      groupId: this.deps.groupId,
      version,
      lock: this.lock,
      ...(this.deps.sessionTimeoutMs ? { sessionTimeoutMs: this.deps.sessionTimeoutMs } : {}),
      flush: isBuild ? (this.deps.rebuildFlush ?? REBUILD_FLUSH) : LIVE_FLUSH,
      ...(targets ? { targets } : {}),
      onBatch: (r, stats) => {
        this.deps.onBatch?.(r.version, stats);
        if (isBuild) this.checkCaughtUpSoon();
      },
      ...(this.deps.onDecodeError ? { onDecodeError: this.deps.onDecodeError } : {}),
      ...(this.deps.quarantine ? { quarantine: this.deps.quarantine } : {}),
      ...(isBuild && this.deps.buildSignal ? { signal: this.deps.buildSignal } : {}),
    });
    await runner.start();
    return runner;
  }

  private async endOffsets(): Promise<Positions> {
    const admin = this.deps.kafka.admin();
    await admin.connect();
    try {
      const targets: Positions = {};
      for (const [topic, stream] of streamTopics(this.deps.topicPrefix)) {
        for (const p of await admin.fetchTopicOffsets(topic))
          targets[posKey({ stream, partition: p.partition })] = Number(p.high);
      }
      return targets;
    } finally {
      await admin.disconnect();
    }
  }

  /** From timers and callbacks: a failure (the database, a lost lease) is logged and retried on the next call. */
  private checkCaughtUpSoon(): void {
    this.checkCaughtUp().catch((err: unknown) =>
      this.deps.logger.warn({ err }, 'rebuild progress or switch failed; retrying'),
    );
  }

  private async checkCaughtUp(): Promise<void> {
    const b = this.building;
    if (!b || this.finishing) return;
    const p = this.progress();
    if (!p) return;
    const now = Date.now();
    if (p.ratio < 1) {
      if (now - this.lastProgressWrite > 1000) {
        this.lastProgressWrite = now;
        const progress = { ...b.runner.positions };
        await this.lock.run(() =>
          metaCollection(this.deps.db).updateOne({ _id: b.build._id as never }, { $set: { progress } }),
        );
      }
      return;
    }
    this.finishing = true;
    try {
      await this.finish(b.runner, b.build);
    } finally {
      this.finishing = false;
    }
  }

  private async finish(runner: ProjectionRunner, build: BuildDoc): Promise<void> {
    const db = this.deps.db;
    const meta = metaCollection(db);
    const previous = this.live;
    await runner.goLive(LIVE_FLUSH);
    // Alias first: a crash before the status update is repaired by start() (build version == alias).
    await this.lock.run(async () => {
      await switchAlias(db, build.version, Date.now());
      await meta.updateOne(
        { _id: build._id as never },
        { $set: { status: 'live', finishedAt: Date.now(), progress: { ...runner.positions } } },
      );
    });
    this.live = runner;
    this.building = null;
    this.deps.logger.info(
      { version: build.version, previous: previous?.version ?? null },
      'views switched to the rebuilt version',
    );
    if (!previous) return;
    // Outside the lock: stopping waits for the old runner's in-flight batch, which needs the lock.
    await previous.stop();
    await this.lock.run(async () => {
      await meta.updateOne({ _id: buildId(previous.version) as never }, { $set: { status: 'retired' } });
      // Keep the previous version for a rollback; drop anything older.
      for (const old of await readBuilds(db)) {
        if (old.version < previous.version && old.status !== 'dropped') {
          await dropVersion(db, old.version);
          await meta.updateOne({ _id: old._id as never }, { $set: { status: 'dropped' } });
        }
      }
    });
  }
}
