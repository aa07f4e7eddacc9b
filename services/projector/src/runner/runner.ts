import type { Db } from 'mongodb';
import type { Consumer, EachBatchPayload, Kafka } from '@siaghsync/shared/kafka/index';
import { topicName, type TopicKey } from '@siaghsync/shared/kafka/index';
import type { EventCodec } from '@siaghsync/shared/registry';
import type { Logger } from '@siaghsync/shared/logger';
import { posKey, STREAMS, type Positioned, type Stream } from '../events';
import { applyBatch } from '../store/apply';
import type { WriteLock } from '../store/lock';
import type { Positions } from '../views/types';
import { decodeRecord } from './decode';

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
  /** Called after each applied batch (progress, caught-up checks, metrics). */
  onBatch?: (r: ProjectionRunner, stats: { events: number; written: number; ms: number }) => void;
  onDecodeError?: (stream: Stream, err: unknown) => void;
  signal?: AbortSignal;
}

/**
 * Folds the log into one version of the views: a consumer group per version (`<group>.v<n>`), so a
 * rebuild starts at offset 0 and a restarted one resumes where its committed offsets stand.
 * Offsets are committed only after the batch is written (at least once; the `_pos` guard makes the
 * re-delivered part a no-op). read_committed: aborted syncer transactions never reach a view.
 */
export class ProjectionRunner {
  readonly groupId: string;
  readonly positions: Positions = {};
  private consumer: Consumer | null = null;
  private readonly topics: Map<string, Stream>;

  constructor(private readonly deps: RunnerDeps) {
    this.groupId = `${deps.groupId}.v${deps.version}`;
    this.topics = streamTopics(deps.topicPrefix);
  }

  get version(): number {
    return this.deps.version;
  }

  async start(): Promise<void> {
    const { kafka, logger } = this.deps;
    await this.loadCommitted();
    const consumer = kafka.consumer({ groupId: this.groupId, readUncommitted: false, maxBytes: 8 * 1024 * 1024 });
    this.consumer = consumer;
    // Batches of only control records or aborted data never reach eachBatch; this event still moves the position.
    consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
      const stream = this.topics.get(payload.topic);
      if (stream) this.advance(posKey({ stream, partition: payload.partition }), Number(payload.lastOffset) + 1);
    });
    await consumer.connect();
    await consumer.subscribe({ topics: [...this.topics.keys()], fromBeginning: true });
    await consumer.run({ autoCommit: false, eachBatchAutoResolve: false, eachBatch: (p) => this.handle(p) });
    logger.info({ group: this.groupId, version: this.version }, 'projection runner started');
  }

  async stop(): Promise<void> {
    const c = this.consumer;
    this.consumer = null;
    if (c) await c.disconnect();
  }

  private advance(pk: string, next: number): void {
    if ((this.positions[pk] ?? 0) < next) this.positions[pk] = next;
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
        for (const p of t.partitions) if (Number(p.offset) >= 0) this.advance(posKey({ stream, partition: p.partition }), Number(p.offset));
      }
    } finally {
      await admin.disconnect();
    }
  }

  private async handle({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    const started = Date.now();
    const stream = this.topics.get(batch.topic);
    if (!stream || batch.messages.length === 0) return;
    const events: Positioned[] = [];
    for (const m of batch.messages) {
      if (!isRunning() || isStale()) return;
      try {
        const event = await decodeRecord(this.deps.codec, stream, m);
        if (event) events.push({ event, pos: { stream, partition: batch.partition, offset: Number(m.offset) } });
      } catch (err) {
        // A record we cannot decode must not stall every view behind it; it is logged and counted.
        this.deps.onDecodeError?.(stream, err);
        this.deps.logger.error({ err, topic: batch.topic, partition: batch.partition, offset: m.offset }, 'undecodable record skipped');
      }
    }
    this.deps.logger.debug({ topic: batch.topic, partition: batch.partition, events: events.length }, 'batch decoded');
    const signal = this.deps.signal;
    const stats = await this.deps.lock.run(() => applyBatch(this.deps.db, this.version, events, signal ? { signal } : {}));
    const last = batch.messages[batch.messages.length - 1]!.offset;
    resolveOffset(last);
    // Explicit commit after the write: with autoCommit off nothing else would move the group.
    await this.consumer?.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: String(Number(last) + 1) }]);
    await heartbeat();
    this.advance(posKey({ stream, partition: batch.partition }), Number(last) + 1);
    this.deps.onBatch?.(this, { ...stats, ms: Date.now() - started });
  }
}
