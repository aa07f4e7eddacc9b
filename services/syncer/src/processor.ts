import type { Consumer, Kafka, KafkaMessage, Producer } from '@siaghsync/shared/kafka/client';
import { nextOffsets } from '@siaghsync/shared/kafka/transactional';
import { TransactionalSender } from '@siaghsync/shared/kafka/transactionalSender';
import { topicName } from '@siaghsync/shared/kafka/topics';
import type { Logger } from '@siaghsync/shared/logger';
import type { EventCodec } from '@siaghsync/shared/registry';
import type { WorkEvent } from '@siaghsync/shared/events';
import { handleEvent, type HandlerDeps } from './handle';
import type { TableReader } from './kafka/tableReader';
import type { StateTable } from './kafka/tables';
import type { SyncerMetrics } from './metrics';
import { encodeOutputs, type Outputs } from './outputs';
import type { EventMeta } from './records';
import { runKeyed } from './concurrency';

export interface ProcessorDeps {
  kafka: Kafka;
  codec: EventCodec;
  prefix: string;
  groupId: string;
  instanceId: string;
  handler: HandlerDeps;
  states: StateTable;
  stateReader: TableReader;
  /** The links and intents table: a re-run needs the writes announced before a crash (decide/recover.ts). */
  intentReader?: TableReader;
  /** For retry markers and intents: the idempotent producer. */
  producer: Producer;
  logger: Logger;
  metrics: SyncerMetrics;
  maxInFlight: number;
  partitionsConcurrency: number;
  parkRetryMs: number;
  sessionTimeoutMs: number;
  /** Events per transaction within a fetched batch. */
  commitEvery: number;
}

/**
 * The syncer's consumer group on `work`: events of different entities in a batch run concurrently
 * (bounded), events of one entity strictly in order; the batch's state, outcomes and offsets commit
 * in one transaction. Heartbeats go on during slow target calls.
 */
export class Processor {
  private consumer: Consumer | undefined;
  private tx: TransactionalSender | undefined;
  private generation = -1;
  private catchUp: Promise<void> | undefined;
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(private readonly d: ProcessorDeps) {}

  async start(): Promise<void> {
    const d = this.d;
    this.tx = new TransactionalSender(d.kafka, `${d.prefix}syncer-${d.instanceId}`, d.logger);
    await this.tx.connect();
    this.consumer = d.kafka.consumer({
      groupId: d.groupId,
      sessionTimeout: d.sessionTimeoutMs,
      heartbeatInterval: Math.min(3_000, Math.floor(d.sessionTimeoutMs / 4)),
      rebalanceTimeout: Math.max(60_000, d.sessionTimeoutMs * 2),
      readUncommitted: false,
      maxWaitTimeInMs: 100,
    });
    this.consumer.on(this.consumer.events.GROUP_JOIN, (e) => {
      // Partitions may have moved: take a new epoch and read the state changelog up to now before
      // processing anything.
      this.generation = -1;
      this.catchUp = undefined;
      d.logger.info({ assignment: e.payload.memberAssignment }, 'joined syncer group');
    });
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: topicName('work', d.prefix), fromBeginning: true });
    await this.consumer.run({
      autoCommit: false,
      partitionsConsumedConcurrently: d.partitionsConcurrency,
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, heartbeat, isRunning, isStale, resolveOffset }) => {
        if (batch.messages.length === 0) return;
        this.catchUp ??= this.restore();
        await this.catchUp;
        const generation = this.generation;
        const beat = setInterval(
          () => void heartbeat().catch(() => undefined),
          Math.min(2_000, d.sessionTimeoutMs / 5),
        );
        try {
          // A fetched batch can hold a partition's whole backlog; committing it in chunks keeps the
          // work at risk from a crash small and shows progress (outcomes) while a backlog drains.
          for (let i = 0; i < batch.messages.length; i += d.commitEvery) {
            if (!isRunning() || isStale()) return;
            const chunk = batch.messages.slice(i, i + d.commitEvery);
            const events = await this.decodeAll(batch.topic, batch.partition, chunk, generation);
            d.metrics.inFlight.inc(events.length);
            const outputs = await runKeyed(
              events,
              (e) => e.event.canonicalKey,
              d.maxInFlight,
              async (e) => {
                try {
                  return await handleEvent(d.handler, d.states, e.event, e.meta);
                } finally {
                  d.metrics.inFlight.dec();
                }
              },
            );
            if (isStale()) {
              // Our partitions were taken meanwhile: the new owner re-runs this chunk from the last commit.
              d.logger.warn({ partition: batch.partition }, 'batch went stale; not committing');
              return;
            }
            const last = chunk[chunk.length - 1]!;
            await this.commit(outputs.flat(), batch.topic, batch.partition, last.offset);
            // Only now does the consumer move past the chunk; on any error above it re-reads it.
            resolveOffset(last.offset);
            await heartbeat();
          }
        } finally {
          clearInterval(beat);
        }
      },
    });
  }

  private async decodeAll(topic: string, partition: number, messages: KafkaMessage[], generation: number) {
    const out: { event: WorkEvent; meta: EventMeta }[] = [];
    for (const m of messages) {
      if (!m.value) continue;
      try {
        out.push({
          event: await this.d.codec.decode<WorkEvent>(m.value),
          meta: { topic, partition, offset: m.offset, generation },
        });
      } catch (err) {
        // A record we cannot decode cannot be synced or dead-lettered with its content; it is logged
        // with its coordinates so an operator can inspect it, and the partition is not blocked.
        this.d.logger.error({ err, topic, partition, offset: m.offset }, 'undecodable work event skipped');
        this.d.metrics.undecodable.inc();
      }
    }
    return out;
  }

  private async commit(
    outputs: Outputs[],
    topic: string,
    partition: number,
    lastOffset: string,
  ): Promise<void> {
    const messages = await encodeOutputs(this.d.codec, this.d.prefix, outputs);
    await this.tx!.commit(messages, nextOffsets(this.d.groupId, [{ topic, partition, offset: lastOffset }]));
    for (const o of outputs) {
      if (o.outcome) this.d.metrics.observe(o.outcome);
      if (o.outcome?.status === 'retrying' && o.state)
        this.scheduleRetry(o.state.canonicalKey, o.outcome.correlationId);
    }
  }

  /**
   * kafkajs does not expose the group generation, so each join takes an epoch of its own: the offset
   * of a record appended to a one-partition topic. A later join always gets a larger epoch, which is
   * what fences a zombie's state writes (see state.supersedes).
   */
  private async takeEpoch(): Promise<number> {
    const [meta] = await this.d.producer.send({
      topic: topicName('syncerEpochs', this.d.prefix),
      messages: [{ key: this.d.instanceId, value: Buffer.from(new Date().toISOString()) }],
      acks: -1,
    });
    return Number(meta!.baseOffset ?? meta!.offset ?? 0);
  }

  /** Restore: the changelog up to now; then re-arm retries of entities that have parked events. */
  private async restore(): Promise<void> {
    const t0 = Date.now();
    this.generation = await this.takeEpoch();
    await Promise.all([this.d.stateReader.caughtUp(), this.d.intentReader?.caughtUp()]);
    let parked = 0;
    for (const [key, state] of this.d.states.entries()) {
      if (state.pending.length > 0) {
        parked++;
        this.scheduleRetry(key, state.pending[0]!.correlationId);
      }
    }
    this.d.metrics.restoreSeconds.set((Date.now() - t0) / 1000);
    this.d.logger.info({ entities: this.d.states.size, parked, ms: Date.now() - t0 }, 'state restored');
  }

  private scheduleRetry(canonicalKey: string, correlationId: string): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      const marker: WorkEvent = {
        canonicalKey,
        kind: 'redrive',
        routeReason: 'direct',
        routedAt: Date.now(),
        correlationId,
        change: null,
        resolution: null,
        redriveOf: 'retry',
      };
      void this.d.codec
        .encode('WorkEvent', marker)
        .then((value) =>
          this.d.producer.send({
            topic: topicName('work', this.d.prefix),
            messages: [{ key: canonicalKey, value }],
          }),
        )
        .catch((err: unknown) => this.d.logger.error({ err, canonicalKey }, 'could not schedule a retry'));
    }, this.d.parkRetryMs);
    this.timers.add(timer);
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    // disconnect() waits for the running batch to finish and commit, then leaves the group.
    await this.consumer?.disconnect();
    await this.tx?.disconnect();
  }
}
