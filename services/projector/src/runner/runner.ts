import type { Db } from 'mongodb';
import type { Consumer, EachBatchPayload, Kafka, KafkaMessage, Message } from '@siaghsync/shared/kafka/index';
import { classify } from '@siaghsync/shared/errors';
import { DecodeHolds } from '@siaghsync/shared/kafka/decodeHold';
import { quarantineMessage } from '@siaghsync/shared/kafka/quarantine';
import { topicName, type TopicKey } from '@siaghsync/shared/kafka/index';
import { retryUntilStarted } from '@siaghsync/shared/kafka/supervise';
import type { EventCodec } from '@siaghsync/shared/registry';
import type { Logger } from '@siaghsync/shared/logger';
import { posKey, STREAMS, type Positioned, type Stream } from '../events';
import { applyBatch, type ApplyStats, type ReplaceBy } from '../store/apply';
import type { WriteLock } from '../store/lock';
import type { Positions } from '../views/types';
import { decodeRecord } from './decode';
import { FlushWindow, type FlushPolicy } from './window';

const STREAM_TOPIC: Record<Stream, TopicKey> = {
  outcomes: 'outcomes',
  conflicts: 'conflicts',
  'dead-letters': 'deadLetters',
  'entity-state': 'entityState',
  work: 'work',
};

export const streamTopics = (prefix: string): Map<string, Stream> =>
  new Map(STREAMS.map((s) => [topicName(STREAM_TOPIC[s], prefix), s]));

export interface RunnerDeps {
  kafka: Kafka;
  codec: EventCodec;
  db: Db;
  logger: Logger;
  topicPrefix: string;
  groupId: string;
  version: number;
  lock: WriteLock;
  flush: FlushPolicy;
  sessionTimeoutMs?: number;
  /** A rebuild's end offsets: the window is written as soon as they are read, for the switch. */
  targets?: Positions;
  /** Called after each written window (progress, caught-up checks, metrics); `ms` from its first read. */
  onBatch?: (r: ProjectionRunner, stats: ApplyStats & { ms: number }) => void;
  /** Told of every decode failure: a record quarantined, or a partition held on the registry. */
  onDecodeError?: (stream: Stream, err: unknown) => void;
  /**
   * Puts a record that can never be decoded on the quarantine topic, resolving once Kafka has it (acks=all),
   * before its offset can be committed. Unset (tests, benches): such a record is logged and skipped.
   */
  quarantine?: (message: Message, sourceTopic: string) => Promise<void>;
  signal?: AbortSignal;
}

const TICK_MS = 50;
const RETRY_MS = 1000;
/** A window taking this long from its first read to its commit is logged (a stalled view explains itself). */
const SLOW_WINDOW_MS = 5_000;
const PROGRESS_LOG_MS = 30_000;
/**
 * How long a stop waits for the window being written (an import's take 15 s and more): well inside
 * main's 15 s, so the runner leaves the group itself instead of being killed.
 */
export const STOP_WRITE_MS = 8_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Folds the log into one version of the views: a consumer group per version (`<group>.v<n>`), so a
 * rebuild starts at offset 0 and a restarted one resumes where its committed offsets stand.
 *
 * Records are decoded into a window (see FlushWindow) and each window is folded in memory and
 * written with each touched document once; offsets are committed only after that write, so a crash
 * re-delivers at most the unwritten windows, and the `_pos` guard makes a re-delivered part that was
 * written a no-op. Consumption goes on while a window is written (up to the window's bound), so a
 * backlog is written in large windows. read_committed: aborted syncer transactions never reach a view.
 */
export class ProjectionRunner {
  readonly groupId: string;
  /** Next offset per `stream:partition` whose events are written to the views (progress, switch). */
  readonly positions: Positions = {};
  private readonly committed: Positions = {};
  private window: FlushWindow | null = null;
  private consumer: Consumer | null = null;
  private readonly topics: Map<string, Stream>;
  private readonly streamTopic = new Map<Stream, string>();
  private chain: Promise<unknown> = Promise.resolve();
  private flushing = false;
  private stopping = false;
  private retryAt = 0;
  /** A build's collections are read by nobody yet: documents are replaced through the journal. */
  private replaceBy: ReplaceBy;
  private timer: NodeJS.Timeout | null = null;
  /** A restart after a crash kafkajs gave up on (stop waits for it). */
  private restarting: Promise<void> = Promise.resolve();
  /** Resolved when a stop gives up on the window being written; the batch waiting on it returns. */
  private abandon!: () => void;
  private readonly abandoned = new Promise<void>((r) => (this.abandon = r));
  /** Window bounds and targets for the next window (a build's until it goes live). */
  private policy: FlushPolicy;
  private targets: Positions | null;
  /** Since the last progress line: fetches answered, events read, windows written. */
  private activity = { fetches: 0, events: 0, windows: 0, since: Date.now() };
  /** Partitions held on a record the registry cannot decode now (shared/src/kafka/decodeHold.ts). */
  private readonly holds = new DecodeHolds();

  constructor(private readonly deps: RunnerDeps) {
    this.groupId = `${deps.groupId}.v${deps.version}`;
    this.replaceBy = deps.targets ? 'journal' : 'update';
    this.policy = deps.flush;
    this.targets = deps.targets ?? null;
    this.topics = streamTopics(deps.topicPrefix);
    for (const [topic, stream] of this.topics) this.streamTopic.set(stream, topic);
  }

  get version(): number {
    return this.deps.version;
  }

  async start(): Promise<void> {
    const { kafka, logger } = this.deps;
    await this.loadCommitted();
    if (this.stopping) return;
    const window = new FlushWindow(this.positions, this.policy, this.targets);
    this.window = window;
    const session = this.deps.sessionTimeoutMs;
    const consumer = kafka.consumer({
      groupId: this.groupId,
      readUncommitted: false,
      maxBytes: 8 * 1024 * 1024,
      ...(session
        ? { sessionTimeout: session, heartbeatInterval: Math.max(500, Math.floor(session / 6)) }
        : {}),
    });
    this.consumer = consumer;
    // Batches of only control records or aborted data never reach eachBatch (batchSize 0); this event
    // still moves the position. Batches that reached eachBatch are accounted for there.
    consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
      const stream = this.topics.get(payload.topic);
      if (!stream || payload.batchSize !== 0 || this.stopping) return;
      window.advance(
        posKey({ stream, partition: payload.partition }),
        Number(payload.lastOffset) + 1,
        Date.now(),
      );
    });
    // Once per rebalance or crash: what an operator needs to explain views that stopped moving.
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) =>
      logger.info(
        {
          group: this.groupId,
          version: this.version,
          memberId: payload.memberId,
          partitions: Object.values(payload.memberAssignment).reduce((n, ps) => n + ps.length, 0),
          joinMs: payload.duration,
        },
        'projection runner joined its group',
      ),
    );
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      logger.error(
        { group: this.groupId, version: this.version, err: payload.error, restart: payload.restart },
        'projection consumer crashed; restarting it',
      );
      // kafkajs restarts only after a retriable error; after any other the views would stop moving
      // while this instance still holds the lease, so the runner starts a new consumer itself.
      if (!payload.restart && this.consumer === consumer) this.restarting = this.restartAfterCrash();
    });
    await consumer.connect();
    await consumer.subscribe({ topics: [...this.topics.keys()], fromBeginning: true });
    await consumer.run({ autoCommit: false, eachBatchAutoResolve: false, eachBatch: (p) => this.handle(p) });
    // A stop that came while this (re)start was under way found no consumer to stop.
    if (this.stopping) {
      if (this.consumer === consumer) this.consumer = null;
      await consumer.disconnect();
      return;
    }
    consumer.on(consumer.events.FETCH, () => void this.activity.fetches++);
    this.timer = setInterval(() => this.tick(), TICK_MS);
    logger.info({ group: this.groupId, version: this.version }, 'projection runner started');
  }

  private async restartAfterCrash(): Promise<void> {
    const old = this.consumer;
    this.consumer = null;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await old?.disconnect().catch(() => undefined);
    await retryUntilStarted({
      logger: this.deps.logger,
      name: `projection v${this.version}`,
      stopped: () => this.stopping,
      delayMs: RETRY_MS,
      restart: async () => {
        try {
          // What was read but not written is dropped: uncommitted, it is delivered again.
          await this.start();
        } catch (err) {
          const half = this.consumer;
          this.consumer = null;
          await half?.disconnect().catch(() => undefined);
          throw err;
        }
      },
    });
  }

  /** Writes what was read (best effort: what is not written is re-delivered), then leaves the group. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.restarting;
    let deadline: NodeJS.Timeout | undefined;
    const written = await Promise.race([
      this.flush().then(
        () => true,
        (err: unknown) => (
          this.deps.logger.warn(
            { err, version: this.version },
            'last window not written; it will be re-delivered',
          ),
          true
        ),
      ),
      new Promise<false>((r) => (deadline = setTimeout(() => r(false), STOP_WRITE_MS))),
    ]);
    clearTimeout(deadline);
    if (!written) {
      // Nothing of it is committed: the next owner reads it again, and what did reach the views is
      // skipped by the `_pos` guard. kafkajs's disconnect waits for the batch handler, so it is released.
      this.deps.logger.warn(
        { version: this.version, ms: STOP_WRITE_MS },
        'window still being written at stop: abandoned, it will be re-delivered',
      );
      this.abandon();
    }
    const c = this.consumer;
    this.consumer = null;
    if (c) await c.disconnect();
  }

  /**
   * The build is about to become the live version: live window bounds, no more targets, and existing
   * documents replaced in place (readers are coming). Resolves once the window being written is.
   */
  async goLive(policy: FlushPolicy): Promise<void> {
    this.policy = policy;
    this.targets = null;
    this.window?.retarget(policy, null);
    this.replaceBy = 'update';
    await this.chain;
  }

  /** A resumed build must know where it stands before any batch arrives (maybe none will). */
  private async loadCommitted(): Promise<void> {
    const admin = this.deps.kafka.admin();
    await admin.connect();
    try {
      const committed = await admin.fetchOffsets({ groupId: this.groupId, topics: [...this.topics.keys()] });
      for (const t of committed) {
        const stream = this.topics.get(t.topic);
        if (!stream) continue;
        for (const p of t.partitions) {
          if (Number(p.offset) < 0) continue;
          const pk = posKey({ stream, partition: p.partition });
          this.positions[pk] = Number(p.offset);
          this.committed[pk] = Number(p.offset);
        }
      }
    } finally {
      await admin.disconnect();
    }
  }

  private tick(): void {
    this.reportActivity();
    const w = this.window;
    if (!w || this.flushing || this.stopping || Date.now() < this.retryAt || !w.due(Date.now())) return;
    this.flush().catch((err: unknown) =>
      this.deps.logger.error({ err, version: this.version }, 'writing a window failed; retrying'),
    );
  }

  /** A line per PROGRESS_LOG_MS at info: views that stop moving show whether reads or writes stopped. */
  private reportActivity(): void {
    const a = this.activity;
    const now = Date.now();
    if (now - a.since < PROGRESS_LOG_MS) return;
    this.deps.logger.info(
      {
        version: this.version,
        fetches: a.fetches,
        events: a.events,
        windows: a.windows,
        pending: this.window?.size,
      },
      'projection runner activity',
    );
    this.activity = { fetches: 0, events: 0, windows: 0, since: now };
  }

  private async handle({
    batch,
    resolveOffset,
    heartbeat,
    isRunning,
    isStale,
    pause,
  }: EachBatchPayload): Promise<void> {
    const started = Date.now();
    const stream = this.topics.get(batch.topic);
    const window = this.window;
    if (!stream || !window || batch.messages.length === 0) return;
    const pk = posKey({ stream, partition: batch.partition });
    const events: Positioned[] = [];
    /** The record the registry cannot decode now: the batch ends before it, the partition waits. */
    let heldAt: { index: number; err: unknown } | null = null;
    for (const [index, m] of batch.messages.entries()) {
      if (!isRunning() || isStale() || this.stopping) return;
      try {
        const event = await decodeRecord(this.deps.codec, stream, m);
        if (event)
          events.push({ event, pos: { stream, partition: batch.partition, offset: Number(m.offset) } });
      } catch (err) {
        this.deps.onDecodeError?.(stream, err);
        if (classify(err).kind !== 'permanent') {
          heldAt = { index, err };
          break;
        }
        await this.quarantine(batch.topic, batch.partition, m, err);
      }
    }
    // Checked again after the awaits: a batch of a revoked partition or a stopping runner is dropped unresolved.
    if (!isRunning() || isStale() || this.stopping) return;
    if (heldAt !== null) {
      // Nothing at or after the held record is read: the position (and so the commit) stays before it.
      const held = batch.messages[heldAt.index]!;
      if (heldAt.index > 0) {
        window.add(pk, Number(held.offset), events, started);
        resolveOffset(batch.messages[heldAt.index - 1]!.offset);
      }
      this.activity.events += events.length;
      this.hold(pk, batch.topic, batch.partition, held.offset, heldAt.err, pause());
      return;
    }
    this.holds.succeeded(pk);
    // The batch's last offset, not its last data message's: a transaction marker after the data must be
    // counted too, or the position stays one short of the end and a rebuild never reaches its targets.
    const last = batch.lastOffset();
    window.add(pk, Number(last) + 1, events, started);
    this.activity.events += events.length;
    // Resolved moves the fetch position only; the group's offset is committed after the window is written.
    resolveOffset(last);
    await heartbeat();
    // A full window holds up consumption (memory is bounded); a reached target is written at once.
    while (window.pending && (window.full || window.reachedTargets) && isRunning() && !this.stopping) {
      try {
        await this.whileHeartbeating(Promise.race([this.flush(), this.abandoned]), heartbeat);
      } catch (err) {
        this.deps.logger.error({ err, version: this.version }, 'writing a window failed; retrying');
        await this.whileHeartbeating(sleep(RETRY_MS), heartbeat);
      }
    }
  }

  /**
   * A record that can never be decoded must not stall every view behind it, nor vanish: it goes to the
   * quarantine topic (acknowledged before its offset can be committed with the next window).
   */
  private async quarantine(topic: string, partition: number, m: KafkaMessage, err: unknown): Promise<void> {
    const reason = classify(err);
    const log = { reason: reason.toJSON(), topic, partition, offset: m.offset, version: this.version };
    if (!this.deps.quarantine) {
      this.deps.logger.error(log, 'undecodable record skipped (no quarantine configured)');
      return;
    }
    const source = { topic, partition, consumer: this.groupId };
    await this.deps.quarantine(quarantineMessage(source, m, reason, Date.now()), topic);
    this.deps.logger.error(log, 'undecodable record quarantined');
  }

  /**
   * The registry cannot decode the partition's next record now (down, schema id not there yet): the
   * partition is paused and fetched again from that record after a backoff, for as long as it takes.
   * Skipping it would leave a view without the event for good.
   */
  private hold(
    pk: string,
    topic: string,
    partition: number,
    offset: string,
    err: unknown,
    resume: () => void,
  ) {
    const delay = this.holds.failed(pk);
    const attempts = this.holds.attempts(pk);
    const log = {
      err: classify(err).toJSON(),
      topic,
      partition,
      offset,
      attempts,
      retryInMs: Math.round(delay),
    };
    if (attempts === 1 || attempts % 20 === 0)
      this.deps.logger.warn(log, 'record not decodable now (schema registry); partition held, retrying');
    const timer = setTimeout(resume, delay);
    timer.unref();
  }

  /** A window can take longer to write than the session timeout; the group must not think us dead. */
  private async whileHeartbeating<T>(work: Promise<T>, heartbeat: () => Promise<void>): Promise<T> {
    let done = false;
    const beat = (async () => {
      while (!done) {
        await sleep(1000);
        if (!done) await heartbeat().catch(() => undefined);
      }
    })();
    try {
      return await work;
    } finally {
      done = true;
      await beat;
    }
  }

  /** Windows are written one at a time, in order. */
  private flush(): Promise<void> {
    const run = this.chain.then(() => this.flushOnce());
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async flushOnce(): Promise<void> {
    const window = this.window;
    const taken = window?.take();
    if (!window || !taken) return;
    this.flushing = true;
    try {
      const { db, lock, signal } = this.deps;
      let stats;
      try {
        const opts = { lock, replaceBy: this.replaceBy };
        stats = await applyBatch(db, this.version, taken.events, signal ? { ...opts, signal } : opts);
      } catch (err) {
        // Into the window it came from only: a consumer restarted meanwhile reads these events again.
        if (this.window === window) window.putBack(taken);
        this.retryAt = Date.now() + RETRY_MS;
        throw err;
      }
      for (const [pk, next] of Object.entries(taken.read))
        if ((this.positions[pk] ?? 0) < next) this.positions[pk] = next;
      await this.commit();
      const ms = Date.now() - taken.since;
      this.activity.windows++;
      if (ms >= SLOW_WINDOW_MS)
        this.deps.logger.info(
          { version: this.version, events: stats.events, written: stats.written, ms, views: stats.views },
          'slow view window',
        );
      this.deps.onBatch?.(this, { ...stats, ms });
    } finally {
      this.flushing = false;
    }
  }

  /** Commits every written position not yet committed; a failed commit is retried with the next window. */
  private async commit(): Promise<void> {
    const offsets: { topic: string; partition: number; offset: string }[] = [];
    for (const [pk, next] of Object.entries(this.positions)) {
      if ((this.committed[pk] ?? -1) >= next) continue;
      const sep = pk.lastIndexOf(':');
      const topic = this.streamTopic.get(pk.slice(0, sep) as Stream);
      if (topic) offsets.push({ topic, partition: Number(pk.slice(sep + 1)), offset: String(next) });
    }
    if (offsets.length === 0 || !this.consumer) return;
    try {
      await this.consumer.commitOffsets(offsets);
      for (const o of offsets)
        this.committed[posKey({ stream: this.topics.get(o.topic)!, partition: o.partition })] = Number(
          o.offset,
        );
    } catch (err) {
      // A rebalance: what is written but not committed is re-delivered and skipped by the `_pos` guard.
      this.deps.logger.warn(
        { err, version: this.version },
        'offset commit failed; retried after the next window',
      );
    }
  }
}
