import type { Consumer } from '@siaghsync/shared/kafka/index';
import { DecodeHolds } from '@siaghsync/shared/kafka/decodeHold';
import type { SyncError } from '@siaghsync/shared/errors';
import type { Logger } from '@siaghsync/shared/logger';
import type { SyncerMetrics } from './metrics';

/** Where a lane reads from. */
export interface LaneCoords {
  topic: string;
  partition: number;
}

/**
 * Why a lane's partition is left out of kafkajs's fetches: its lane holds enough (lanes.ts), or it is
 * held on a record the registry could not decode now. A partition is fetched again once neither holds.
 */
export class PartitionPauses {
  private readonly pressured = new Set<string>();
  private readonly decodeHeld = new Map<string, NodeJS.Timeout>();
  private readonly holds = new DecodeHolds();

  constructor(
    private readonly d: {
      coords: (lane: string) => LaneCoords | undefined;
      consumer: () => Consumer | null;
      metrics: SyncerMetrics;
      logger: Logger;
    },
  ) {}

  /** The lane is full (true) or down to half (false). */
  pressure(lane: string, paused: boolean): void {
    if (paused) this.pressured.add(lane);
    else this.pressured.delete(lane);
    this.apply(lane);
  }

  /** The lane's batch decoded to its end: the next decode failure starts its backoff over. */
  decoded(lane: string): void {
    this.holds.succeeded(lane);
  }

  /**
   * The registry could not decode the record at `offset` (unreachable, schema id not there yet): the
   * partition is paused and fetched again from that record after a backoff, as long as it takes. The
   * record is never skipped and nothing after it commits; other partitions go on.
   */
  holdForDecode(lane: string, offset: string, error: SyncError): void {
    const delay = this.holds.failed(lane);
    const attempts = this.holds.attempts(lane);
    const { topic, partition } = this.d.coords(lane)!;
    this.d.metrics.decodeRetries.inc({ topic });
    const log = { err: error.toJSON(), topic, partition, offset, attempts, retryInMs: Math.round(delay) };
    // Said loudly once and then every 20th time: a long registry outage must not flood the log.
    if (attempts === 1 || attempts % 20 === 0)
      this.d.logger.warn(log, 'record not decodable now (schema registry); partition held, retrying');
    else this.d.logger.debug(log, 'decode retry');
    clearTimeout(this.decodeHeld.get(lane));
    const timer = setTimeout(() => {
      if (this.decodeHeld.get(lane) !== timer) return;
      this.decodeHeld.delete(lane);
      this.apply(lane);
    }, delay);
    this.decodeHeld.set(lane, timer);
    this.apply(lane);
  }

  /** A new assignment: every decode hold ends (the records are fetched again anyway). */
  releaseDecodeHolds(): void {
    const lanes = [...this.decodeHeld.keys()];
    this.clearDecodeHolds();
    for (const lane of lanes) this.apply(lane);
  }

  stop(): void {
    this.clearDecodeHolds();
  }

  private clearDecodeHolds(): void {
    for (const timer of this.decodeHeld.values()) clearTimeout(timer);
    this.decodeHeld.clear();
  }

  private apply(lane: string): void {
    const at = this.d.coords(lane);
    const consumer = this.d.consumer();
    if (!at || !consumer) return;
    const tp = [{ topic: at.topic, partitions: [at.partition] }];
    if (this.pressured.has(lane) || this.decodeHeld.has(lane)) consumer.pause(tp);
    else consumer.resume(tp);
  }
}
