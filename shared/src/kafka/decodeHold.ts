import { ExponentialBackoff, handleWhen, retry, type IBackoff, type RetryPolicy } from 'cockatiel';
import { classify } from '../errors';

// A partition whose next record cannot be decoded because of the registry (transient) is held: nothing
// at or after that record is processed or committed, the partition is paused and fetched again after a
// backoff, so the record is retried until the registry answers. Other partitions go on; skipping the
// record would silently drop an event (a rolling upgrade's schema id not yet cached, a registry outage).

export interface HoldOptions {
  /** First delay, ms (cockatiel's exponential backoff with decorrelated jitter from there). */
  initialDelayMs?: number;
  maxDelayMs?: number;
}

/** Per partition, the backoff of its current hold; bookkeeping only, the consumer pauses and resumes. */
export class DecodeHolds {
  private readonly holds = new Map<string, { backoff: IBackoff<unknown>; attempts: number }>();
  private readonly factory: ExponentialBackoff<unknown>;

  constructor(o: HoldOptions = {}) {
    this.factory = new ExponentialBackoff({
      initialDelay: o.initialDelayMs ?? 250,
      maxDelay: o.maxDelayMs ?? 30_000,
    });
  }

  /** A decode of `partition` failed transiently: how long to hold it before fetching again. */
  failed(partition: string): number {
    const prev = this.holds.get(partition);
    const backoff = prev ? prev.backoff.next(undefined) : this.factory.next();
    this.holds.set(partition, { backoff, attempts: (prev?.attempts ?? 0) + 1 });
    return backoff.duration;
  }

  /** The partition decoded again: its next failure starts from the first delay. */
  succeeded(partition: string): void {
    this.holds.delete(partition);
  }

  /** Consecutive failed fetches of the partition's current hold (0: not held). */
  attempts(partition: string): number {
    return this.holds.get(partition)?.attempts ?? 0;
  }
}

/**
 * For consumers that must apply records strictly in order and cannot hold one partition alone (the
 * router's batch, a table reader): the decode is retried in place, without end, while the registry
 * fails; a permanent failure (the record's own) is thrown at once for the caller to quarantine or skip.
 * Pass the consumer's stop signal to `execute` so a stop does not wait out an outage.
 */
export function registryRetry(o: HoldOptions = {}): RetryPolicy {
  return retry(
    handleWhen((err) => classify(err).kind !== 'permanent'),
    {
      backoff: new ExponentialBackoff({
        initialDelay: o.initialDelayMs ?? 250,
        maxDelay: o.maxDelayMs ?? 30_000,
      }),
    },
  );
}
