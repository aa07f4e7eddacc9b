import type { Consumer, Kafka, Message, Producer } from '@siaghsync/shared/kafka/client';
import { nextOffsets } from '@siaghsync/shared/kafka/transactional';
import { restartWhenGivenUp } from '@siaghsync/shared/kafka/supervise';
import { groupTimings } from './kafka/membership';
import { processorAssigners } from './kafka/coPartitioned';
import { TransactionalSender } from '@siaghsync/shared/kafka/transactionalSender';
import { topicName, WORK_PARTITIONS, WORK_TOPICS } from '@siaghsync/shared/kafka/topics';
import type { Logger } from '@siaghsync/shared/logger';
import type { EventCodec } from '@siaghsync/shared/registry';
import { handleEvent, type HandlerDeps } from './handle';
import type { TableReader } from './kafka/tableReader';
import type { RouteTables, StateTable } from './kafka/tables';
import type { SyncerMetrics } from './metrics';
import { encodeOutputs, type Outputs } from './outputs';
import { decodeBatch, isEvent, keyOfItem, type WorkItem } from './kafka/workDecode';
import { runKeyed } from './concurrency';
import { PartitionLanes } from './lanes';
import { isBulk, observedAt } from './reads/freshness';
import { backlogOf, type Backlog } from './backlog';
import { RetryMarkers } from './retries';
import { PartitionPauses, type LaneCoords } from './partitionPauses';
import { asLiveWork } from '@siaghsync/shared/http/callLimiter';
import { guardCalls } from '@siaghsync/shared/http/callGuard';
import { NotOwner, Ownership } from './kafka/ownership';

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
  /** Told of the links and closed intents each commit made durable, before they are read back. */
  tables?: Pick<RouteTables, 'rememberIntent' | 'rememberLink'>;
  /** For retry markers and intents: the idempotent producer. */
  producer: Producer;
  logger: Logger;
  metrics: SyncerMetrics;
  maxInFlight: number;
  parkRetryMs: number;
  sessionTimeoutMs: number;
  /** Events per transaction within a fetched batch. */
  commitEvery: number;
  /** The same for the bulk lanes (`work-bulk`, `work-bulk-crm`). */
  bulkCommitEvery: number;
  /** A partition holding events that commits nothing for this long is stalled (backlog.ts). */
  stallMs: number;
}

/** A lane is one consumed partition: `<topic>:<partition>`. */
const laneId = (topic: string, partition: number): string => `${topic}:${partition}`;

/**
 * Bytes one fetch takes from a partition: small enough that one fetch adds little over a lane's high
 * water mark, large enough that a busy lane is refilled in one round.
 */
const MAX_BYTES_PER_PARTITION = 256 * 1024;

/** How often the event loop shows it is running (a late tick: the process was paused; kafka/ownership.ts). */
const OWNERSHIP_TICK_MS = 250;

/**
 * The syncer's consumer group on `work` (live changes) and the bulk topics (the import's, one per side
 * it was seen in), co-partitioned: every topic's partition p goes to the same member, so every event of
 * one entity reaches one process.
 * Events of different entities in a chunk run concurrently (bounded), events of one entity strictly in
 * order and never in two lanes at once; a chunk's state, outcomes and offsets commit in one transaction.
 */
export class Processor {
  private consumer: Consumer | undefined;
  private tx: TransactionalSender | undefined;
  private generation = -1;
  /** Group joins so far: a restore of an earlier join that finishes late must not set the epoch. */
  private joins = 0;
  private catchUp: Promise<void> | undefined;
  private stopping = false;
  private readonly workTopic: string;
  /** Every topic of the group: `work` and the bulk topics. */
  private readonly topics: string[];
  /** Per lane, the first offset not yet committed in this epoch (where a re-read starts). */
  private readonly nextToCommit = new Map<string, string>();
  private readonly laneCoords = new Map<string, LaneCoords>();
  private readonly lanes: PartitionLanes<WorkItem>;
  /** Partitions left out of the fetches: a full lane, or a record the registry cannot decode now. */
  private readonly pauses: PartitionPauses;
  private readonly quarantineTopic: string;
  /** Re-runs parked entities (retries.ts). */
  private readonly retries: RetryMarkers;
  private readonly stopSignal = new AbortController();
  private readonly handler: HandlerDeps;
  /** Asked before every target call and commit of a chunk (kafka/ownership.ts). */
  private readonly ownership: Ownership;
  private memberId: string | undefined;
  private ticker: NodeJS.Timeout | undefined;

  constructor(private readonly d: ProcessorDeps) {
    this.workTopic = topicName('work', d.prefix);
    this.quarantineTopic = topicName('quarantine', d.prefix);
    this.topics = WORK_TOPICS.map((t) => topicName(t, d.prefix));
    this.handler = { ...d.handler, stopping: this.stopSignal.signal };
    this.retries = new RetryMarkers(d);
    this.pauses = new PartitionPauses({
      coords: (lane) => this.laneCoords.get(lane),
      consumer: () => this.consumer ?? null,
      metrics: d.metrics,
      logger: d.logger,
    });
    this.ownership = new Ownership({
      freshMs: Math.max(1_000, Math.floor(d.sessionTimeoutMs / 3)),
      ask: () => this.inStableGroup(),
    });
    this.lanes = new PartitionLanes<WorkItem>({
      // A bulk chunk holds its entities until it commits, and a live event of one of them waits that
      // long (lanes.ts): bulk chunks are kept short so an echo or an edit of an entity being imported
      // waits seconds, not the time of 64 rate-limited creates.
      chunk: (lane) => (lane.startsWith(`${this.workTopic}:`) ? d.commitEvery : d.bulkCommitEvery),
      highWater: Math.max(d.commitEvery * 4, d.maxInFlight * 8),
      keyOf: keyOfItem,
      process: (lane, events, lastOffset, epoch) => this.processChunk(lane, events, lastOffset, epoch),
      onError: (err, lane) => this.recover(err, lane),
      onPressure: (lane, paused) => this.pauses.pressure(lane, paused),
    });
  }

  /** How far behind this instance's partitions are (backlog.ts). */
  backlog(now = Date.now()): Backlog {
    const views = this.lanes.holdings().map((h) => ({
      lane: h.lane,
      oldestObservedAt: h.oldest && isEvent(h.oldest) ? observedAt(h.oldest.event) : undefined,
      held: h.held,
      lastProgressAt: h.lastProgressAt,
    }));
    return backlogOf(views, this.workTopic, now, this.d.stallMs);
  }

  async start(): Promise<void> {
    const d = this.d;
    this.tx = new TransactionalSender(d.kafka, `${d.prefix}syncer-${d.instanceId}`, d.logger);
    await this.tx.connect();
    this.ticker = setInterval(() => this.ownership.tick(), OWNERSHIP_TICK_MS);
    this.ticker.unref();
    await this.startConsumer();
  }

  /** The coordinator, asked now: is this member in the group, and is the group not rebalancing? */
  private async inStableGroup(): Promise<boolean> {
    if (!this.consumer || this.memberId === undefined) return false;
    const group = await this.consumer.describeGroup();
    return group.state === 'Stable' && group.members.some((m) => m.memberId === this.memberId);
  }

  private async startConsumer(): Promise<void> {
    const d = this.d;
    const consumer = d.kafka.consumer({
      groupId: d.groupId,
      ...groupTimings(d.sessionTimeoutMs),
      readUncommitted: false,
      maxWaitTimeInMs: 100,
      maxBytesPerPartition: MAX_BYTES_PER_PARTITION,
      partitionAssigners: processorAssigners,
    });
    this.consumer = consumer;
    restartWhenGivenUp(consumer, {
      logger: d.logger,
      name: 'processor',
      stopped: () => this.stopping,
      restart: async () => {
        // What lanes hold belongs to the old consumer's assignment; the new one joins and restores.
        this.lanes.reset();
        await this.startConsumer();
      },
    });
    consumer.on(consumer.events.HEARTBEAT, () => this.ownership.beat());
    for (const gone of [consumer.events.REBALANCING, consumer.events.STOP, consumer.events.CRASH])
      consumer.on(gone, () => this.ownership.released());
    consumer.on(consumer.events.GROUP_JOIN, (e) => {
      // Partitions may have moved: take a new epoch and read the state changelog up to now before
      // processing anything. Started here, not at the first batch: the restore re-arms the retries of
      // parked entities, which a quiet topic would otherwise never deliver a batch to trigger.
      this.generation = -1;
      // kafkajs reads every assigned partition again from its committed offset; what lanes hold is stale.
      this.lanes.reset();
      this.nextToCommit.clear();
      // A held partition still assigned is fetched (and held again, if the registry still fails) at once.
      this.pauses.releaseDecodeHolds();
      this.memberId = e.payload.memberId;
      this.ownership.joined();
      d.logger.info({ assignment: e.payload.memberAssignment }, 'joined syncer group');
      const restoring = this.restore(++this.joins);
      // A failed restore fails the next batch too (it awaits the same promise), and kafkajs rejoins.
      restoring.catch((err: unknown) => d.logger.error({ err }, 'state restore failed'));
      this.catchUp = restoring;
    });
    await consumer.connect();
    await consumer.subscribe({ topics: this.topics, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      // eachBatch only decodes and queues, so every partition can be handled in the same round.
      partitionsConsumedConcurrently: WORK_PARTITIONS * WORK_TOPICS.length,
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, isRunning, isStale, resolveOffset }) => {
        if (batch.messages.length === 0 || this.stopping) return;
        this.catchUp ??= this.restore(this.joins);
        await this.catchUp;
        // A batch fetched before a seek (see recover) is older than the position we asked for.
        if (!isRunning() || isStale()) return;
        const epoch = this.lanes.epoch;
        const lane = laneId(batch.topic, batch.partition);
        const { items, held } = await decodeBatch(
          this.d.codec,
          {
            topic: batch.topic,
            partition: batch.partition,
            generation: this.generation,
            consumer: this.d.groupId,
            now: Date.now(),
          },
          batch.messages,
        );
        // A rebalance while decoding: this batch belongs to the old assignment and is fetched again.
        if (epoch !== this.lanes.epoch || !isRunning() || isStale() || this.stopping) return;
        this.laneCoords.set(lane, { topic: batch.topic, partition: batch.partition });
        if (!this.nextToCommit.has(lane) && items[0]) this.nextToCommit.set(lane, items[0].offset);
        // Queue on the partition's lane and return at once, so kafkajs fetches on; the lane processes and
        // commits in order, and pauses its partition while it is full (see lanes.ts).
        const queued = items.length > 0 ? this.lanes.push(lane, items) : null;
        // Only what a lane holds counts as consumed: anything else is fetched again.
        if (queued !== null) resolveOffset(queued);
        if (held) this.pauses.holdForDecode(lane, held.offset, held.error);
        else this.pauses.decoded(lane);
      },
    });
  }

  /** One chunk of a lane: handle its events (entities concurrently, each in order), then commit. */
  private async processChunk(lane: string, items: WorkItem[], lastOffset: string, epoch: number) {
    const d = this.d;
    const { topic, partition } = this.laneCoords.get(lane)!;
    const events = items.filter(isEvent);
    const quarantined = items.flatMap((i) => (isEvent(i) ? [] : [i]));
    const keys = new Set(events.map((e) => e.event.canonicalKey));
    const onWork = lane.startsWith(`${this.workTopic}:`);
    // Every target call of the chunk, and its commit, first makes sure this member still owns the
    // partition: a rejoin since it was fetched, a rebalance under way, or a pause past the session (a
    // zombie, kafka/ownership.ts) refuses them, and the chunk is read again by whoever owns it.
    const owned = async () => {
      if (epoch !== this.lanes.epoch || !(await this.ownership.holds()))
        throw new NotOwner(`${lane}: this member no longer owns the partition`);
    };
    try {
      d.metrics.inFlight.inc(events.length);
      const outputs = await guardCalls(owned, () =>
        runKeyed(
          events,
          (e) => e.event.canonicalKey,
          d.maxInFlight,
          async (e) => {
            try {
              // A person's edit goes ahead of the import's calls at the targets' rate limits; what a bulk
              // lane carries (a retry of import work, our own Insert coming back) does not.
              const handle = () => handleEvent(this.handler, d.states, e.event, e.meta);
              return await (onWork && !isBulk(e.event) ? asLiveWork(handle) : handle());
            } finally {
              d.metrics.inFlight.dec();
            }
          },
        ),
      );
      // The quarantined records go in the same transaction as the offset that moves past them. Ownership
      // is asked again before the transaction and right before it commits (a pause can fall in between).
      await this.commit(
        outputs.flat(),
        quarantined.map((q) => q.quarantine),
        topic,
        partition,
        lastOffset,
        owned,
      );
      for (const q of quarantined) {
        d.metrics.quarantined.inc({ topic });
        d.logger.error(
          { reason: q.reason.toJSON(), topic, partition, key: q.key, quarantineTopic: this.quarantineTopic },
          'undecodable record quarantined',
        );
      }
    } catch (err) {
      // Whatever failed, nothing of this chunk was committed: its states go back to the committed ones.
      d.states.discard(keys);
      // A rejoin happened meanwhile: the new assignment is read from its commits already.
      if (err instanceof NotOwner && epoch !== this.lanes.epoch) {
        d.logger.warn({ topic, partition, reason: err.message }, 'chunk of an earlier epoch; not committing');
        return;
      }
      throw err;
    }
    d.states.settle(keys);
    this.nextToCommit.set(lane, (BigInt(lastOffset) + 1n).toString());
  }

  /**
   * A chunk failed to commit (Kafka unavailable past the sender's retries). Nothing after it may commit
   * first: every lane is emptied and each partition is read again from its first uncommitted offset.
   */
  private recover(err: unknown, lane: string): void {
    // Out of the group (expelled, or a rebalance under way): the rejoin reads every partition again from
    // its commit. A seek now would stay queued in kafkajs for a partition this member may be assigned
    // again later, and rewind it then.
    if (err instanceof NotOwner && !this.ownership.isMember) {
      this.d.logger.warn(
        { lane, reason: err.message },
        'out of the syncer group (a rebalance, or this process was paused past its session): work dropped until the rejoin',
      );
      this.lanes.reset();
      return;
    }
    if (err instanceof NotOwner)
      this.d.logger.warn(
        { lane, reason: err.message },
        'ownership of a partition not confirmed by the group (a rebalance, or this process was paused past its session): its work is dropped and read again from the last commit',
      );
    else this.d.logger.error({ err, lane }, 'chunk failed; reading again from the last commit');
    this.lanes.reset();
    for (const [id, offset] of this.nextToCommit) {
      const at = this.laneCoords.get(id);
      if (at) this.consumer?.seek({ topic: at.topic, partition: at.partition, offset });
    }
  }

  private async commit(
    outputs: Outputs[],
    quarantined: Message[],
    topic: string,
    partition: number,
    lastOffset: string,
    owned: () => Promise<void>,
  ): Promise<void> {
    const messages = await encodeOutputs(this.d.codec, this.d.prefix, outputs);
    if (quarantined.length > 0) messages.push({ topic: this.quarantineTopic, messages: quarantined });
    await this.tx!.commit(
      messages,
      nextOffsets(this.d.groupId, [{ topic, partition, offset: lastOffset }]),
      owned,
    );
    for (const o of outputs) {
      // Read-your-writes for the tables: an entity's next event, often its own create's notice a few
      // milliseconds later, must not see the intent this commit closed as still open (it would then be
      // decided on fresh reads of both sides instead of being told an echo).
      for (const i of o.intents) this.d.tables?.rememberIntent(i);
      for (const l of o.links) this.d.tables?.rememberLink(l);
      if (o.outcome) this.d.metrics.observe(o.outcome);
      if (o.state)
        this.retries.afterCommit(o.state, o.outcome?.status === 'retrying' ? o.outcome.correlationId : null);
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
  private async restore(join: number): Promise<void> {
    const t0 = Date.now();
    const epoch = await this.takeEpoch();
    // Superseded by a later join: whoever waits on this restore waits for that one's instead.
    if (join !== this.joins) return this.catchUp;
    this.generation = epoch;
    await Promise.all([this.d.stateReader.caughtUp(), this.d.intentReader?.caughtUp()]);
    let parked = 0;
    for (const [, state] of this.d.states.parked()) {
      parked++;
      this.retries.rearm(state);
    }
    this.d.metrics.restoreSeconds.set((Date.now() - t0) / 1000);
    this.d.logger.info({ entities: this.d.states.size, parked, ms: Date.now() - t0 }, 'state restored');
  }

  /** A pause was lifted: every parked entity runs its queue again (retries.ts). */
  wakeParked(): void {
    const n = this.retries.wakeParked();
    this.d.logger.info({ entities: n }, 'pause lifted: parked entities taken up again');
  }

  async stop(): Promise<void> {
    clearInterval(this.ticker);
    this.retries.stop();
    this.pauses.stop();
    // Take nothing new, finish and commit the chunks under way (an event waiting to retry parks at once
    // and is retried after the restart), then leave the group.
    this.stopping = true;
    this.stopSignal.abort();
    this.consumer?.pause(this.topics.map((topic) => ({ topic })));
    await this.lanes.drain();
    await this.consumer?.disconnect();
    await this.tx?.disconnect();
  }
}
