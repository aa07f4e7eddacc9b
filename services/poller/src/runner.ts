// The per-source loop of the active poller: restore state, initialise the transactional producer (which
// fences any predecessor), then sweep on an interval with jitter, backing off exponentially on errors.
// Stopping (leadership lost, SIGTERM) lets the sweep in flight finish its commit first.

import { randomUUID } from 'node:crypto';
import type { Kafka, Producer } from 'kafkajs';
import type { Logger } from '@siaghsync/shared/logger';
import type { EventCodec } from '@siaghsync/shared/registry';
import type { SourceSystem } from '@siaghsync/shared/events';
import { connectTransactional, createTransactionalProducer } from '@siaghsync/shared/kafka/producer';
import { classify } from '@siaghsync/shared/errors';
import { restoreState } from './stateStore';
import { SourceTracker, type SweepOutcome } from './tracker';
import type { PollerMetrics } from './metrics';
import type { IntervalChoice } from './interval';

type Restored = Awaited<ReturnType<typeof restoreState>>;

export interface Timing {
  intervalMs: number;
  /** 0..1: each wait is intervalMs × (1 ± jitter), so instances and sources do not poll in lockstep. */
  jitter: number;
  backoffMaxMs: number;
}

export interface RunnerOptions {
  source: SourceSystem;
  kafka: Kafka;
  codec: EventCodec;
  changesTopic: string;
  stateTopic: string;
  transactionalId: string;
  chunkSize: number;
  /** OPERATOR_EVENT_KEY, to sign snapshots (emitter.ts). */
  snapshotKey?: string | undefined;
  minRatio: number;
  timing: Timing;
  /** The interval in force now, when it adapts (Siagh: from the measured GetAll cost); else timing's. */
  interval?: () => IntervalChoice;
  logger: Logger;
  metrics: PollerMetrics;
  sweep: (
    tracker: SourceTracker,
    correlationId: string,
    shouldStop: () => boolean,
    onProgress: (done: number, total: number) => void,
  ) => Promise<SweepOutcome & { seen: number }>;
}

export function nextDelay(t: Timing, failures: number, random = Math.random()): number {
  const base =
    failures === 0 ? t.intervalMs : Math.min(t.backoffMaxMs, t.intervalMs * 2 ** Math.min(failures, 20));
  return Math.max(0, Math.round(base * (1 + t.jitter * (random * 2 - 1))));
}

export class SourceRunner {
  private running: Promise<void> | undefined;
  private stopping = false;
  private wake: (() => void) | undefined;
  private producer: Producer | undefined;
  tracker: SourceTracker | undefined;
  /** Sweeps completed since start; tests and /ready read it. */
  sweeps = 0;
  /** The sweep under way, when it reports how far it is (the CRM's detail fetches: the import). */
  progress: { done: number; total: number; since: number } | undefined;

  constructor(private readonly o: RunnerOptions) {}

  get active(): boolean {
    return this.running !== undefined;
  }

  start(): void {
    if (this.running) return;
    this.stopping = false;
    this.running = this.loop()
      .catch((err: unknown) =>
        this.o.logger.error({ err, source: this.o.source }, 'poller loop ended with an error'),
      )
      .finally(() => {
        this.running = undefined;
      });
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.running;
  }

  /** The interval in force and why (for /ready and `syncctl status`). */
  intervalChoice(): IntervalChoice {
    return this.o.interval?.() ?? { ms: this.o.timing.intervalMs, reason: 'configured' };
  }

  private timing(): Timing {
    const ms = this.intervalChoice().ms;
    this.o.metrics.interval.set({ source: this.o.source }, ms / 1000);
    return { ...this.o.timing, intervalMs: ms };
  }

  private reportProgress(done: number, total: number, since: number): void {
    const before = this.progress?.done ?? 0;
    this.progress = { done, total, since };
    // A long sweep (the import) says where it is every 10,000 records.
    if (total >= 10_000 && Math.floor(done / 10_000) > Math.floor(before / 10_000))
      this.o.logger.info({ source: this.o.source, done, total }, 'sweep progress');
  }

  /** Runs a sweep now instead of waiting for the interval (tests, operators). */
  poke(): void {
    this.wake?.();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(t);
        resolve();
      };
    });
  }

  /**
   * Connects the transactional producer (which fences a previous active poller and aborts what it left
   * open) and then reads the state back; again after a back-off until both work. A start that failed once
   * (the broker restarting, its coordinator not yet elected) used to end the loop for good while this
   * instance stayed the leader: no source was polled again until a restart.
   */
  private async open(): Promise<{ producer: Producer; restored: Restored } | undefined> {
    const { source, logger } = this.o;
    for (let failures = 1; !this.stopping; failures++) {
      const producer = createTransactionalProducer(this.o.kafka, this.o.transactionalId);
      this.producer = producer;
      try {
        await connectTransactional(producer);
        const restored = await restoreState(this.o.kafka, this.o.stateTopic, source, logger);
        return { producer, restored };
      } catch (err) {
        await producer.disconnect().catch(() => undefined);
        this.producer = undefined;
        if (isFenced(err)) {
          logger.warn({ source, err }, 'producer fenced by a newer active poller: stopping');
          return undefined;
        }
        // Stopped while the attempt was under way: no sleep of up to the back-off before ending.
        if (this.stopping) return undefined;
        logger.warn({ source, err, failures }, 'poller start failed: retrying after a back-off');
        await this.sleep(nextDelay(this.timing(), failures));
      }
    }
    return undefined;
  }

  private async loop(): Promise<void> {
    const { source, logger, metrics } = this.o;
    const opened = await this.open();
    if (!opened) return;
    let { producer } = opened;
    const { restored } = opened;
    try {
      const target = {
        producer,
        codec: this.o.codec,
        changesTopic: this.o.changesTopic,
        stateTopic: this.o.stateTopic,
        chunkSize: this.o.chunkSize,
        snapshotKey: this.o.snapshotKey,
      };
      const tracker = new SourceTracker(
        source,
        restored.state,
        restored.meta,
        target,
        this.o.minRatio,
        logger,
        metrics,
      );
      this.tracker = tracker;
      metrics.recordsTracked.set({ source }, restored.state.hashes.size);
      let failures = 0;
      // False after a replacement until the new producer has connected (a sweep that cannot connect it fails
      // and backs off like any other, and the next one tries again).
      let connected = true;
      while (!this.stopping) {
        const correlationId = randomUUID();
        const end = metrics.sweepDuration.startTimer({ source });
        try {
          if (!connected) {
            await connectTransactional(producer);
            connected = true;
          }
          const since = Date.now();
          const out = await this.o.sweep(
            tracker,
            correlationId,
            () => this.stopping,
            (done, total) => this.reportProgress(done, total, since),
          );
          const result = out.result.trusted
            ? 'complete'
            : out.result.suppressedReason === 'suspicious-size'
              ? 'suspicious'
              : 'incomplete';
          metrics.sweeps.inc({ source, result });
          metrics.recordsSeen.set({ source }, out.seen);
          logger.info(
            {
              source,
              correlationId,
              result,
              seen: out.seen,
              upserts: out.result.upserts.length,
              deletes: out.result.deletes.length,
              suppressed: out.result.suppressed,
            },
            'sweep committed',
          );
          failures = 0;
        } catch (err) {
          metrics.sweeps.inc({ source, result: 'failed' });
          const kind = classify(err).kind;
          // A fenced producer means another instance took over: this loop must end, not retry.
          if (isFenced(err)) {
            logger.warn({ source, err }, 'producer fenced by a newer active poller: stopping');
            return;
          }
          failures++;
          logger.warn(
            { source, correlationId, err, kind, failures },
            'sweep failed: nothing committed, backing off',
          );
          if (isStuckTransaction(err)) {
            // kafkajs can leave a producer in ABORTING for good after a broker restart, and every later
            // sweep would fail at beginTransaction. A new producer with the same transactional id aborts
            // whatever was left open.
            logger.warn({ source, correlationId }, 'replacing the stuck transactional producer');
            const old = producer;
            void old.disconnect().catch(() => undefined);
            producer = createTransactionalProducer(this.o.kafka, this.o.transactionalId);
            this.producer = producer;
            target.producer = producer;
            connected = false;
          }
        } finally {
          end();
          this.sweeps++;
          this.progress = undefined;
        }
        if (!this.stopping) await this.sleep(nextDelay(this.timing(), failures));
      }
    } finally {
      this.tracker = undefined;
      this.producer = undefined;
      await producer.disconnect().catch(() => undefined);
    }
  }
}

function isFenced(err: unknown): boolean {
  return (
    (err as { type?: string }).type === 'INVALID_PRODUCER_EPOCH' ||
    (err as { name?: string }).name === 'KafkaJSProducerFenced' ||
    String(err).includes('fenced')
  );
}

/** A producer whose transaction state machine is wedged (kafkajs) rather than a failed call or a fence. */
export function isStuckTransaction(err: unknown): boolean {
  const message = err instanceof Error ? err.message : String(err);
  return /Transaction state exception|did not complete within/i.test(message);
}
