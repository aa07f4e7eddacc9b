import type { Kafka, Producer, TopicMessages } from 'kafkajs';
import type { Logger } from '../logger';
import { connectTransactional, createTransactionalProducer } from './producer';
import { commitTransaction, mergeOffsets, type ConsumedOffsets } from './transactional';

/**
 * Commits consume-transform-produce transactions one at a time, and survives what kafkajs does not:
 *  - back-to-back transactions meet CONCURRENT_TRANSACTIONS while the broker still writes the previous
 *    one's markers; kafkajs retries it for sends but not for AddOffsetsToTxn (kafkajs#430), so the
 *    whole transaction is aborted and retried here;
 *  - a producer whose transaction state machine got stuck (an abort that never returns was seen on
 *    Kafka 4.1) is replaced: the new producer's InitProducerId, with the same transactional id, fences
 *    the old one and aborts whatever it left open.
 * The outputs of a batch are deterministic, so sending them again in a new transaction is safe.
 */
/**
 * How long after a commit the next transaction begins at the earliest. The broker writes the commit
 * markers after it has answered EndTxn; a transaction begun before they are written is refused with
 * CONCURRENT_TRANSACTIONS (kafkajs retries it from 100 ms on). Waiting this little first avoids the
 * refusal, and the commits asked for meanwhile share the next transaction.
 */
const GAP_AFTER_COMMIT_MS = 15;

export class TransactionalSender {
  private producer: Producer;
  private queue: Pending[] = [];
  private flushing: Promise<void> | null = null;
  private lastEnd = 0;

  constructor(
    private readonly kafka: Kafka,
    private readonly transactionalId: string,
    private readonly logger: Logger,
    private readonly opts: { stepTimeoutMs?: number; attempts?: number; gapMs?: number } = {},
  ) {
    this.producer = createTransactionalProducer(kafka, transactionalId);
  }

  /** Connects and fences the previous holder of the transactional id (see connectTransactional). */
  async connect(): Promise<void> {
    await connectTransactional(this.producer);
  }

  /**
   * Commits `outputs` with `offsets`. One transaction is on the wire at a time; commits asked for
   * meanwhile (other partitions of the same consumer) share the next one, so a busy consumer pays one
   * transaction per round, not one per partition. All of a shared transaction's callers see its result.
   */
  commit(
    outputs: TopicMessages[],
    offsets: ConsumedOffsets | undefined,
    /**
     * Asked before each attempt and again right before the commit is sent: a throw leaves these outputs
     * and offsets out (the caller gets that error; the others of a shared transaction commit without
     * them). A consumer that may have lost its partitions meanwhile refuses so (syncer/kafka/ownership.ts).
     */
    guard?: () => Promise<void>,
  ): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ outputs, offsets, resolve, reject, ...(guard && { guard }) });
      this.flushing ??= this.flush();
    });
  }

  private async flush(): Promise<void> {
    while (this.queue.length > 0) {
      const gap = this.lastEnd + (this.opts.gapMs ?? GAP_AFTER_COMMIT_MS) - Date.now();
      if (gap > 0) await new Promise((r) => setTimeout(r, gap));
      const group = this.queue;
      this.queue = [];
      try {
        const committed = await this.commitWithRetries(group);
        for (const g of committed) g.resolve();
      } catch (err) {
        for (const g of group) g.reject(err);
      }
      this.lastEnd = Date.now();
    }
    this.flushing = null;
  }

  /** Commits the group's members that their guards still let through; returns them. */
  private async commitWithRetries(group: Pending[]): Promise<Pending[]> {
    const attempts = this.opts.attempts ?? 6;
    const stepTimeoutMs = this.opts.stepTimeoutMs ?? 30_000;
    let live = group;
    for (let attempt = 1; ; attempt++) {
      live = await admitted(live);
      if (live.length === 0) return live;
      const members = live;
      try {
        await withTimeout(
          commitTransaction(
            this.producer,
            members.flatMap((g) => g.outputs),
            mergeOffsets(members.map((g) => g.offsets)),
            async () => {
              for (const g of members)
                await g.guard?.().catch((err: unknown) => {
                  throw new GuardRefused(err);
                });
            },
          ),
          stepTimeoutMs,
          'transaction',
        );
        return members;
      } catch (err) {
        // Aborted for a member that may no longer commit: the next round leaves it out.
        if (err instanceof GuardRefused) {
          attempt--;
          continue;
        }
        const concurrent = /concurrent operation on the same transaction/i.test((err as Error).message);
        this.logger.warn(
          { err, attempt, transactionalId: this.transactionalId, concurrent },
          'transaction failed; retrying',
        );
        if (attempt >= attempts) throw err;
        if (!concurrent) await this.replaceProducer(stepTimeoutMs);
        await new Promise((r) => setTimeout(r, Math.min(2_000, 50 * 2 ** attempt)));
      }
    }
  }

  private async replaceProducer(timeoutMs: number): Promise<void> {
    const old = this.producer;
    this.producer = createTransactionalProducer(this.kafka, this.transactionalId);
    void withTimeout(old.disconnect(), timeoutMs, 'disconnect').catch(() => undefined);
    await withTimeout(connectTransactional(this.producer), timeoutMs, 'reconnect');
  }

  async disconnect(): Promise<void> {
    await this.flushing;
    await this.producer.disconnect();
  }
}

interface Pending {
  outputs: TopicMessages[];
  offsets: ConsumedOffsets | undefined;
  resolve: () => void;
  reject: (err: unknown) => void;
  guard?: () => Promise<void>;
}

class GuardRefused extends Error {
  constructor(readonly refusal: unknown) {
    super('a commit guard refused: transaction aborted');
  }
}

/** The members whose guards let them through; the others are told why and left out. */
async function admitted(group: Pending[]): Promise<Pending[]> {
  const out: Pending[] = [];
  for (const g of group) {
    try {
      await g.guard?.();
      out.push(g);
    } catch (err) {
      g.reject(err);
    }
  }
  return out;
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} did not complete within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
