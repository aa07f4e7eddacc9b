import { randomUUID } from 'node:crypto';
import type { Consumer, Kafka, KafkaMessage, Producer } from '@siaghsync/shared/kafka/client';
import type { Logger } from '@siaghsync/shared/logger';
import { classify } from '@siaghsync/shared/errors';
import { registryRetry } from '@siaghsync/shared/kafka/decodeHold';
import { restartWhenGivenUp } from '@siaghsync/shared/kafka/supervise';
import { keepBeating } from './membership';

const BARRIER_HEADER = 'x-siaghsync-barrier';
const SESSION_MS = 30_000;
/**
 * How long a table's partition list is trusted. The router asks for a barrier per batch that mints a
 * key (the whole import), and a fresh admin connection and offset look-up each time cost more than the
 * barrier itself. A partition added meanwhile is not read by this reader before its own metadata
 * refresh (minutes) anyway.
 */
const PARTITIONS_TTL_MS = 30_000;

export interface TableReaderOptions {
  /** Told of each record skipped because it can never be decoded (metrics). */
  onSkipped?: (topic: string) => void;
}

/**
 * Reads compacted topics whole into memory and keeps tailing them (a "global table").
 *
 * "Caught up" is proven with a barrier: a marker produced to every partition, waited for on the way
 * back. High watermarks cannot be used for this: transaction markers occupy offsets that a consumer
 * never sees, and read_committed stops at the first open transaction, so both would hang or lie.
 *
 * A record the registry cannot decode now is retried in place (a table is applied in order). One that
 * can never be decoded is skipped with an error log and a metric, not quarantined: every instance reads
 * every table whole at each start, so a quarantine copy would be written again and again, and the record
 * stays where it is in the compacted topic, at the logged offset, until a newer record of its key
 * supersedes it. Skipping costs that key's latest entry (a link, an intent, a state); the syncer then
 * finds the pair by natural key, as for an entity it never saw. Not skipping stalled every syncer.
 */
export class TableReader {
  private consumer: Consumer | undefined;
  private stopped = false;
  private readonly stopSignal = new AbortController();
  private readonly decodeRetry = registryRetry();
  private readonly waiting = new Map<string, { remaining: Set<string>; resolve: () => void }>();
  private readonly partitions = new Map<string, { ids: number[]; at: number }>();

  constructor(
    private readonly kafka: Kafka,
    private readonly producer: Producer,
    private readonly topics: string[],
    private readonly apply: (topic: string, message: KafkaMessage) => Promise<void>,
    private readonly logger: Logger,
    private readonly groupPrefix: string,
    private readonly options: TableReaderOptions = {},
  ) {
    this.decodeRetry.onRetry((r) =>
      this.logger.warn(
        {
          topics: this.topics,
          err: 'error' in r ? classify(r.error).toJSON() : undefined,
          delayMs: Math.round(r.delay),
        },
        'table record not decodable now (schema registry); retrying',
      ),
    );
  }

  async start(): Promise<void> {
    // A group of its own, never committed: every start reads the tables from the beginning.
    const consumer = this.kafka.consumer({
      groupId: `${this.groupPrefix}-table-${randomUUID()}`,
      sessionTimeout: SESSION_MS,
      maxWaitTimeInMs: 200,
    });
    this.consumer = consumer;
    // A new consumer reads the tables from the beginning again: applying a record twice changes nothing.
    restartWhenGivenUp(consumer, {
      logger: this.logger,
      name: `tables ${this.topics.join(', ')}`,
      stopped: () => this.stopped,
      restart: () => this.start(),
    });
    await consumer.connect();
    for (const topic of this.topics) await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ topic, partition, message, heartbeat }) => {
        const barrier = message.headers?.[BARRIER_HEADER];
        if (barrier !== undefined) {
          this.sawBarrier(String(barrier), `${topic}:${partition}`);
          return;
        }
        await this.applyOrSkip(topic, partition, message, heartbeat);
      },
    });
  }

  private async applyOrSkip(
    topic: string,
    partition: number,
    message: KafkaMessage,
    heartbeat: () => Promise<void>,
  ): Promise<void> {
    const stopBeating = keepBeating(heartbeat, SESSION_MS);
    try {
      // Applying a record twice changes nothing, so a retry re-runs the whole apply.
      await this.decodeRetry.execute(() => this.apply(topic, message), this.stopSignal.signal);
    } catch (err) {
      const reason = classify(err);
      // Stopping in the middle of a registry outage: nothing to skip, the reader is going away.
      if (reason.kind !== 'permanent') throw reason;
      this.options.onSkipped?.(topic);
      this.logger.error(
        { reason: reason.toJSON(), topic, partition, offset: message.offset, key: message.key?.toString() },
        'undecodable table record skipped',
      );
    } finally {
      stopBeating();
    }
  }

  /**
   * Resolves once everything committed to the tables before this call has been applied; `only`: to
   * those of the tables alone (one held by the registry does not hold a wait on another). Rejects
   * after `timeoutMs` whatever the broker does, the look-up of the partitions and the barrier's send
   * included.
   */
  async caughtUp(timeoutMs = 60_000, only: readonly string[] = this.topics): Promise<void> {
    const topics = this.topics.filter((t) => only.includes(t));
    const id = randomUUID();
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`tables ${topics.join(', ')} not caught up in ${timeoutMs} ms`)),
        timeoutMs,
      );
    });
    let over = false;
    try {
      await Promise.race([this.barrier(id, topics, () => over), late]);
    } finally {
      over = true;
      clearTimeout(timer);
      this.waiting.delete(id);
    }
    this.logger.debug({ topics }, 'tables caught up');
  }

  /** Writes a barrier to every partition of `topics` and resolves when this reader has read them all. */
  private async barrier(id: string, topics: readonly string[], over: () => boolean): Promise<void> {
    const targets = await this.partitionsOf(topics);
    // The wait ended (timed out) during the look-up: nobody would remove the entry or want the barrier.
    if (over()) return;
    const done = new Promise<void>((resolve) => {
      this.waiting.set(id, { remaining: new Set(targets.map((t) => `${t.topic}:${t.partition}`)), resolve });
    });
    await this.producer.sendBatch({
      topicMessages: topics.map((topic) => ({
        topic,
        messages: targets
          .filter((t) => t.topic === topic)
          .map((t) => ({
            partition: t.partition,
            key: '__barrier__',
            value: Buffer.alloc(0),
            headers: { [BARRIER_HEADER]: id },
          })),
      })),
      acks: -1,
    });
    await done;
  }

  private async partitionsOf(topics: readonly string[]): Promise<{ topic: string; partition: number }[]> {
    const now = Date.now();
    const stale = topics.filter((t) => now - (this.partitions.get(t)?.at ?? -Infinity) > PARTITIONS_TTL_MS);
    if (stale.length > 0) {
      const admin = this.kafka.admin();
      await admin.connect();
      try {
        const { topics: found } = await admin.fetchTopicMetadata({ topics: stale });
        for (const t of found)
          this.partitions.set(t.name, { ids: t.partitions.map((p) => p.partitionId), at: now });
      } finally {
        await admin.disconnect();
      }
    }
    return topics.flatMap((topic) => {
      const ids = this.partitions.get(topic)?.ids ?? [];
      // A barrier with nowhere to go would never come back.
      if (ids.length === 0) throw new Error(`table topic ${topic} has no partitions (does it exist?)`);
      return ids.map((partition) => ({ topic, partition }));
    });
  }

  private sawBarrier(id: string, where: string): void {
    const w = this.waiting.get(id);
    if (!w) return;
    w.remaining.delete(where);
    if (w.remaining.size === 0) w.resolve();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.stopSignal.abort();
    await this.consumer?.disconnect();
  }
}

/** Barrier markers carry an empty value; every table decoder must skip them (and tombstones). */
export const isBarrier = (message: KafkaMessage): boolean => message.headers?.[BARRIER_HEADER] !== undefined;
