import type { Kafka, Producer, Replication } from '@siaghsync/shared/kafka/index';
import { createIdempotentProducer, ensureTopics, topicName } from '@siaghsync/shared/kafka/index';
import { GroupCommit } from '@siaghsync/shared/kafka/groupCommit';
import { sourceKey, type ChangeEvent } from '@siaghsync/shared/events';
import type { EventCodec } from '@siaghsync/shared/registry';
import { classify, transient } from '@siaghsync/shared/errors';
import type { Logger } from '@siaghsync/shared/logger';

// The only way an event leaves ingest: encoded with the registry, produced with the idempotent
// producer (acks=all), resolved only when the broker acknowledged. Everything else is an error the
// route turns into 503. Requests that arrive while a produce is on the wire share the next one
// (group commit), so a burst costs a few round trips, not one per webhook.

export interface Publisher {
  readonly ready: boolean;
  publish(event: ChangeEvent): Promise<void>;
}

export interface KafkaPublisherOptions {
  kafka: Kafka;
  codec: EventCodec;
  topicPrefix: string;
  timeoutMs: number;
  maxInFlight: number;
  logger: Logger;
  /** Copies of the topic it creates; one when unset (a single local broker). */
  replication?: Replication;
  /** Tests and the benchmark pass a producer they made; otherwise the idempotent one from shared. */
  producer?: Producer;
}

/** Failures in a row, with no success for this many produce timeouts, before the producer is replaced. */
const RECYCLE_AFTER_FAILURES = 5;
const RECYCLE_SILENCE_FACTOR = 3;
/** ~300 B per event: 500 stay far below the broker's 1 MB batch limit. */
const MAX_BATCH = 500;

type Message = { key: string; value: Buffer; headers: Record<string, string> };

export class KafkaPublisher implements Publisher {
  readonly topic: string;
  private producer: Producer;
  private readonly commits: GroupCommit<Message>;
  private consecutiveFailures = 0;
  private lastSuccessAt = Date.now();
  private recycling = false;
  /** A send of this producer failed: it sends nothing more (see send below) and is replaced. */
  private tainted = false;
  private connected = false;
  private stopped = false;
  private startLoop: Promise<void> | undefined;

  constructor(private readonly opts: KafkaPublisherOptions) {
    this.topic = topicName('changes', opts.topicPrefix);
    this.producer = opts.producer ?? this.newProducer();
    this.commits = new GroupCommit<Message>({
      maxBatch: MAX_BATCH,
      // Read at send time: after a replacement the next batch goes to the new producer.
      send: async (messages) => {
        // After a failed send, kafkajs rolls the partitions' sequence numbers back for a retry of the
        // same batch. But the failed request may have been written (the connection closed before the
        // answer), and the next batch, other webhooks, would go out with those very numbers: the broker
        // takes it for a duplicate of the first, answers success and drops it. Acknowledged webhooks
        // went missing that way when a leader was killed (test:cluster). So a producer whose send failed
        // sends nothing more; it is replaced by one with a new producer id, and its callers get 503.
        if (this.tainted)
          throw transient('KAFKA_UNAVAILABLE', 'the producer is being replaced after a failed send');
        try {
          await this.producer.send({ topic: this.topic, acks: -1, messages });
        } catch (err) {
          if (this.opts.producer === undefined) this.tainted = true;
          throw err;
        }
      },
    });
  }

  /**
   * kafkajs's own retries are bounded by the answer deadline: past it the sender already got its 503
   * and will retry, and a send still retrying in the background would only outlive a shutdown.
   */
  private newProducer(): Producer {
    return createIdempotentProducer(this.opts.kafka, {
      initialRetryTime: 100,
      retries: 3,
      maxRetryTime: this.opts.timeoutMs,
    });
  }

  get ready(): boolean {
    return this.connected && !this.stopped;
  }

  /** Events queued or on the wire, including a batch a request already gave up on (timeout). */
  get inFlight(): number {
    return this.commits.size;
  }

  /**
   * Topics, schemas and the producer connection, retried with backoff until they work: a service
   * started before Kafka or the registry answers 503 meanwhile and becomes ready by itself.
   */
  start(): Promise<void> {
    this.startLoop ??= (async () => {
      let delay = 250;
      while (!this.stopped) {
        try {
          await ensureTopics(this.opts.kafka, this.opts.topicPrefix, ['changes'], this.opts.replication);
          await this.opts.codec.registerAll(['ChangeEvent']);
          await this.producer.connect();
          this.connected = true;
          this.opts.logger.info({ topic: this.topic }, 'producer connected, schemas registered');
          return;
        } catch (err) {
          const e = classify(err);
          this.opts.logger.warn({ code: e.code, err: e.message, retryInMs: delay }, 'ingest not ready yet');
          await new Promise((r) => setTimeout(r, delay).unref());
          delay = Math.min(delay * 2, 10_000);
        }
      }
    })();
    return this.startLoop;
  }

  async publish(event: ChangeEvent): Promise<void> {
    if (!this.ready) throw transient('INGEST_NOT_READY', 'the producer is not connected yet');
    if (this.commits.size >= this.opts.maxInFlight) {
      throw transient('INGEST_OVERLOADED', `${this.commits.size} produces already waiting for Kafka`);
    }
    const value = await this.opts.codec.encode('ChangeEvent', event);
    const submission = this.commits.submit({
      key: sourceKey(event.source, event.sourceId),
      value,
      headers: { eventId: event.eventId, correlationId: event.correlationId },
    });
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            transient('KAFKA_PRODUCE_TIMEOUT', `Kafka did not acknowledge within ${this.opts.timeoutMs} ms`),
          ),
        this.opts.timeoutMs,
      );
    });
    try {
      await Promise.race([submission.done, deadline]);
      this.consecutiveFailures = 0;
      this.lastSuccessAt = Date.now();
    } catch (err) {
      if ((err as { code?: string }).code === 'KAFKA_PRODUCE_TIMEOUT') {
        // Not sent yet: drop it, the sender retries after our 503. Already sent: it may still land,
        // a duplicate of the same notification, which the event id makes harmless downstream.
        submission.withdraw();
        this.onFailure();
        throw err;
      }
      this.onFailure();
      // Whatever kafkajs says (even "non-retriable" after its retries ran out), for the sender it means
      // "not stored, try again": a 503, never a 500 that a sender might not retry.
      throw transient('KAFKA_UNAVAILABLE', classify(err).message, { cause: err });
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * kafkajs recovers by itself when the broker closes or resets its connections, but not from a
   * connection that went silent (a partition, a frozen broker): its in-flight request then never
   * settles and every later send queues behind it. Nor from an idempotent producer whose sequence
   * numbers the broker no longer accepts after a restart (OUT_OF_ORDER_SEQUENCE_NUMBER on every send, so
   * every webhook would be answered 503 from then on). After repeated failures
   * with no success for a while, the producer is replaced by a fresh one (new connections, new
   * producer id); the stuck sends of the old one no longer count against the in-flight bound.
   */
  private onFailure(): void {
    this.consecutiveFailures++;
    const silentFor = Date.now() - this.lastSuccessAt;
    if (this.recycling || this.stopped || this.opts.producer !== undefined) return;
    if (
      !this.tainted &&
      (this.consecutiveFailures < RECYCLE_AFTER_FAILURES ||
        silentFor < RECYCLE_SILENCE_FACTOR * this.opts.timeoutMs)
    ) {
      return;
    }
    this.recycling = true;
    this.connected = false;
    const old = this.producer;
    this.producer = this.newProducer();
    this.tainted = false;
    this.commits.abandon(transient('KAFKA_UNAVAILABLE', 'the producer was replaced'));
    this.opts.logger.warn(
      { silentForMs: silentFor, failures: this.consecutiveFailures },
      'replacing the Kafka producer',
    );
    void old.disconnect().catch(() => undefined);
    void (async () => {
      let delay = 250;
      while (!this.stopped) {
        try {
          await this.producer.connect();
          this.connected = true;
          this.consecutiveFailures = 0;
          this.lastSuccessAt = Date.now();
          break;
        } catch (err) {
          this.opts.logger.warn(
            { err: classify(err).message, retryInMs: delay },
            'producer reconnect failed',
          );
          await new Promise((r) => setTimeout(r, delay).unref());
          delay = Math.min(delay * 2, 10_000);
        }
      }
      this.recycling = false;
    })();
  }

  /**
   * Waits (bounded) for sends still running, those of a replaced producer included (they settle within
   * the client's request timeout and retries), then disconnects: called after the HTTP server drained.
   */
  async stop(timeoutMs = 5000): Promise<void> {
    this.stopped = true;
    const until = Date.now() + timeoutMs;
    while ((this.commits.size > 0 || this.commits.sendsOutstanding > 0) && Date.now() < until)
      await new Promise((r) => setTimeout(r, 20));
    await this.producer.disconnect();
    this.connected = false;
  }
}
