import { randomUUID } from 'node:crypto';
import type { Consumer, Kafka, KafkaMessage, Producer } from '@siaghsync/shared/kafka/client';
import type { Logger } from '@siaghsync/shared/logger';
import { restartWhenGivenUp } from '@siaghsync/shared/kafka/supervise';

const BARRIER_HEADER = 'x-siaghsync-barrier';

/**
 * Reads compacted topics whole into memory and keeps tailing them (a "global table").
 *
 * "Caught up" is proven with a barrier: a marker produced to every partition, waited for on the way
 * back. High watermarks cannot be used for this: transaction markers occupy offsets that a consumer
 * never sees, and read_committed stops at the first open transaction, so both would hang or lie.
 */
export class TableReader {
  private consumer: Consumer | undefined;
  private stopped = false;
  private readonly waiting = new Map<string, { remaining: Set<string>; resolve: () => void }>();

  constructor(
    private readonly kafka: Kafka,
    private readonly producer: Producer,
    private readonly topics: string[],
    private readonly apply: (topic: string, message: KafkaMessage) => Promise<void>,
    private readonly logger: Logger,
    private readonly groupPrefix: string,
  ) {}

  async start(): Promise<void> {
    // A group of its own, never committed: every start reads the tables from the beginning.
    const consumer = this.kafka.consumer({
      groupId: `${this.groupPrefix}-table-${randomUUID()}`,
      sessionTimeout: 30_000,
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
      eachMessage: async ({ topic, partition, message }) => {
        const barrier = message.headers?.[BARRIER_HEADER];
        if (barrier !== undefined) {
          this.sawBarrier(String(barrier), `${topic}:${partition}`);
          return;
        }
        await this.apply(topic, message);
      },
    });
  }

  /** Resolves once everything committed to the tables before this call has been applied. */
  async caughtUp(timeoutMs = 60_000): Promise<void> {
    const id = randomUUID();
    const admin = this.kafka.admin();
    await admin.connect();
    const targets: { topic: string; partition: number }[] = [];
    try {
      for (const topic of this.topics) {
        for (const p of await admin.fetchTopicOffsets(topic)) targets.push({ topic, partition: p.partition });
      }
    } finally {
      await admin.disconnect();
    }
    const done = new Promise<void>((resolve) => {
      this.waiting.set(id, { remaining: new Set(targets.map((t) => `${t.topic}:${t.partition}`)), resolve });
    });
    await this.producer.sendBatch({
      topicMessages: this.topics.map((topic) => ({
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
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        done,
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`tables ${this.topics.join(', ')} not caught up in ${timeoutMs} ms`)),
            timeoutMs,
          );
        }),
      ]);
    } finally {
      clearTimeout(timer);
      this.waiting.delete(id);
    }
    this.logger.debug({ topics: this.topics }, 'tables caught up');
  }

  private sawBarrier(id: string, where: string): void {
    const w = this.waiting.get(id);
    if (!w) return;
    w.remaining.delete(where);
    if (w.remaining.size === 0) w.resolve();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.consumer?.disconnect();
  }
}

/** Barrier markers carry an empty value; every table decoder must skip them (and tombstones). */
export const isBarrier = (message: KafkaMessage): boolean => message.headers?.[BARRIER_HEADER] !== undefined;
