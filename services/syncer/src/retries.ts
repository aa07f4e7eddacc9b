import type { Producer } from '@siaghsync/shared/kafka/client';
import { bulkTopicOf, topicName } from '@siaghsync/shared/kafka/topics';
import type { Logger } from '@siaghsync/shared/logger';
import type { EventCodec } from '@siaghsync/shared/registry';
import type { EntityState } from './decide/state';
import type { StateTable } from './kafka/tables';
import { retryMarker } from './preinvoice/wake';
import { isAwaiting } from './reads/awaitCounterpart';
import { needsLiveMarker, retryQueueOf } from './route/route';

export interface RetryMarkerDeps {
  states: StateTable;
  codec: EventCodec;
  producer: Producer;
  prefix: string;
  logger: Logger;
  /** How long a parked entity waits before its queue runs again. */
  parkRetryMs: number;
}

/**
 * The timers that re-run parked entities: each sends a retry marker (kind 'redrive', redriveOf 'retry')
 * keyed by the entity, processed in order with its other events. Failures park for `parkRetryMs`; a wait
 * for a counterpart runs to its deadline; import work's markers go to its bulk topic (route.ts).
 */
export class RetryMarkers {
  private readonly timers = new Set<NodeJS.Timeout>();
  /** Entities with a retry marker scheduled and not yet sent. */
  private readonly due = new Map<string, NodeJS.Timeout>();
  /** Per entity waiting for a counterpart (reads/awaitCounterpart.ts), the timer of its deadline. */
  private readonly awaitTimers = new Map<string, NodeJS.Timeout>();
  /** Entities whose last retry marker went to a bulk topic: a live event parked behind it needs its own. */
  private readonly sentToBulk = new Set<string>();
  private stopped = false;

  constructor(private readonly d: RetryMarkerDeps) {}

  /** After a commit: a failure is retried, a wait watched, a live event behind a bulk marker let through. */
  afterCommit(state: EntityState, retrying: string | null): void {
    if (retrying !== null) this.schedule(state, retrying);
    this.watchAwaiting(state);
    this.overtakeBulkMarker(state);
  }

  /** At restore: every parked entity is re-armed (its timers died with the previous owner). */
  rearm(state: EntityState): void {
    if (isAwaiting(state)) this.watchAwaiting(state);
    else this.schedule(state, state.pending[0]!.correlationId);
  }

  /**
   * A pause was lifted: every parked entity runs its queue again, spread over a few seconds (a pause of
   * hours can hold thousands). One still paused by another flag parks again, without a timer.
   */
  wakeParked(): number {
    let n = 0;
    for (const [key, state] of this.d.states.parked()) {
      // One parked on a failure already has its retry scheduled: a second would double its retries.
      if (isAwaiting(state) || this.due.has(key)) continue;
      this.schedule(state, state.pending[0]!.correlationId, Math.min(5_000, n++ * 2));
    }
    return n;
  }

  /** Arms nothing more: whoever restores the partition next re-arms every parked entity. */
  stop(): void {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.due.clear();
    this.sentToBulk.clear();
    this.awaitTimers.clear();
  }

  /**
   * An entity waiting for its counterpart's event is retried at its deadline; the timer goes as soon
   * as the wait ends (the counterpart came), so an import's many waits send no marker that finds nothing.
   */
  private watchAwaiting(state: EntityState): void {
    const key = state.canonicalKey;
    const timer = this.awaitTimers.get(key);
    if (isAwaiting(state)) {
      if (timer) return;
      const delay = Math.max(0, state.awaitingUntil! - Date.now());
      const armed = this.schedule(state, state.pending[0]!.correlationId, delay);
      if (armed) this.awaitTimers.set(key, armed);
    } else if (timer) {
      clearTimeout(timer);
      this.timers.delete(timer);
      this.awaitTimers.delete(key);
      if (this.due.get(key) === timer) this.due.delete(key);
    }
  }

  /** A live event parked behind import work whose marker went bulk gets one on `work` (route.ts). */
  private overtakeBulkMarker(state: EntityState): void {
    const key = state.canonicalKey;
    if (!this.sentToBulk.has(key)) return;
    if (state.pending.length === 0) this.sentToBulk.delete(key);
    if (!needsLiveMarker(state, true, this.due.has(key))) return;
    this.sentToBulk.delete(key);
    this.schedule(state, state.pending[0]!.correlationId, 0);
  }

  private schedule(
    state: EntityState,
    correlationId: string,
    delayMs = this.d.parkRetryMs,
  ): NodeJS.Timeout | undefined {
    if (this.stopped) return undefined;
    const key = state.canonicalKey;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (this.due.get(key) === timer) this.due.delete(key);
      if (this.awaitTimers.get(key) === timer) this.awaitTimers.delete(key);
      // The queue as it is now: a live event may have joined the parked import work since.
      const queue = retryQueueOf((this.d.states.get(key) ?? state).pending);
      if (queue.queue === 'bulk') this.sentToBulk.add(key);
      else this.sentToBulk.delete(key);
      const topic = topicName(queue.queue === 'bulk' ? bulkTopicOf(queue.source) : 'work', this.d.prefix);
      void this.d.codec
        .encode('WorkEvent', retryMarker(key, correlationId, Date.now()))
        .then((value) => this.d.producer.send({ topic, messages: [{ key, value }] }))
        .catch((err: unknown) =>
          this.d.logger.error({ err, canonicalKey: key }, 'could not schedule a retry'),
        );
    }, delayMs);
    this.timers.add(timer);
    this.due.set(key, timer);
    return timer;
  }
}
