import type { Positioned } from '../events';
import type { Positions } from '../views/types';

/** When the events read so far are folded and written: whichever bound is reached first. */
export interface FlushPolicy {
  maxEvents: number;
  maxAgeMs: number;
}

/**
 * Live traffic is written within ~0.1 s; while a flush runs the next window fills, so a backlog
 * (a restart, a burst) is written in windows as large as the write rate makes them, up to maxEvents.
 */
export const LIVE_FLUSH: FlushPolicy = { maxEvents: 10_000, maxAgeMs: 100 };

/**
 * A rebuild writes few, large windows: a document touched in two windows is written twice, and on
 * FerretDB rewriting an existing document costs ~10x inserting a new one. Bounded by memory (decoded
 * events are held until their window is written) and by how much a crash makes the restart redo.
 */
export const REBUILD_FLUSH: FlushPolicy = { maxEvents: 20_000, maxAgeMs: 10_000 };

export interface Taken {
  events: Positioned[];
  /** Next offset per `stream:partition` once these events are written: what may be committed. */
  read: Positions;
  /** When the first batch of the window began to be handled. */
  since: number;
}

/**
 * The events read from Kafka but not yet written to the views, with the read positions they bring.
 * Pure bookkeeping; the runner decides when to take a window and write it.
 */
export class FlushWindow {
  readonly read: Positions;
  private events: Positioned[] = [];
  /** null while nothing is pending (no events and no position to commit). */
  private since: number | null = null;

  constructor(
    start: Positions,
    private policy: FlushPolicy,
    private targets: Positions | null = null,
  ) {
    this.read = { ...start };
  }

  get size(): number {
    return this.events.length;
  }

  get pending(): boolean {
    return this.since !== null;
  }

  /** The build became the live version: its last windows follow the live bounds. */
  retarget(policy: FlushPolicy, targets: Positions | null): void {
    this.policy = policy;
    this.targets = targets;
  }

  /** A decoded batch of one partition; `next` is the offset after its last record. */
  add(pk: string, next: number, events: readonly Positioned[], startedAt: number): void {
    for (const e of events) this.events.push(e);
    if (events.length > 0) this.since ??= startedAt;
    this.advance(pk, next, startedAt);
  }

  /** Records the views never see (transaction markers, aborted data) still move the position. */
  advance(pk: string, next: number, now: number): void {
    if ((this.read[pk] ?? 0) >= next) return;
    this.read[pk] = next;
    this.since ??= now;
  }

  /**
   * A rebuild does not end on a small window that would rewrite the documents the one before it just
   * wrote: when at most a quarter of a window is left to read, the window takes it in.
   */
  get full(): boolean {
    const { maxEvents } = this.policy;
    if (this.events.length < maxEvents) return false;
    return !this.targets || this.events.length >= maxEvents * 1.25 || this.remaining() > maxEvents / 4;
  }

  /** Offsets still to read up to the targets (transaction markers included). */
  private remaining(): number {
    let n = 0;
    for (const [pk, t] of Object.entries(this.targets ?? {})) n += Math.max(0, t - (this.read[pk] ?? 0));
    return n;
  }

  /** A rebuild writes as soon as it has read up to the end offsets it must reach before the switch. */
  get reachedTargets(): boolean {
    if (!this.targets) return false;
    return Object.entries(this.targets).every(([pk, t]) => (this.read[pk] ?? 0) >= t);
  }

  due(now: number): boolean {
    if (this.since === null) return false;
    return this.full || this.reachedTargets || now - this.since >= this.policy.maxAgeMs;
  }

  take(): Taken | null {
    if (this.since === null) return null;
    const taken = { events: this.events, read: { ...this.read }, since: this.since };
    this.events = [];
    this.since = null;
    return taken;
  }

  /** A window whose write failed goes back in front of what was read since, to be written again. */
  putBack(t: Taken): void {
    this.events = t.events.concat(this.events);
    this.since = Math.min(this.since ?? t.since, t.since);
  }
}
