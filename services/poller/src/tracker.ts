// One source's tracked state and the step that turns an observed snapshot into committed events:
// diff (pure) -> events + state updates -> one transaction per chunk -> swap the in-memory state.
// The in-memory state only moves after the commit, so a failed commit leaves it as Kafka has it.

import type { Logger } from '@siaghsync/shared/logger';
import {
  deterministicEventId,
  newChangeEvent,
  type ChangeEvent,
  type SourceSystem,
  type Trigger,
} from '@siaghsync/shared/events';
import { diffSnapshot, hash52, type DiffResult, type Hash52, type TrackedState } from './diff';
import { emitAll, type EmitTarget, type Emission } from './emitter';
import { hashHex, metaMessage, stateMessage, type SourceMeta } from './stateCodec';
import type { PollerMetrics } from './metrics';

/** What a sweep observed of one record that changed: enough to build its event. */
export interface Observed {
  checksum: string;
  naturalKey: string | null;
  sourceTime: number | null;
  snapshot: string;
  attributes?: Record<string, string>;
}

export interface SweepInput {
  /** Every record seen (for the CRM, unfetched ids carry their previous hash). */
  hashes: ReadonlyMap<string, Hash52>;
  /** Details of records that were fetched this sweep (only those can be upserted). */
  details: (id: string) => Observed | undefined;
  complete: boolean;
  correlationId: string;
  /** When the read behind this sweep began (epoch ms). */
  readStartedAt?: number;
  /** Extra meta to commit with the sweep (the CRM reconcile cursor). */
  meta?: Partial<SourceMeta>;
}

export interface SweepOutcome {
  result: DiffResult;
  emitted: number;
}

/**
 * More upserts of one kind than this in a sweep is a bulk re-observation, not people editing: records
 * first seen (the first sweep of an empty state, the import's creates coming back) or records changed (a
 * batch job's mass edit, the first sweep after a long outage). Those events are marked bulk, so the
 * syncer queues them with the import and live changes overtake them. Each kind is judged alone: a
 * person's edit seen in the same sweep as 5,000 contacts the import just created stays live.
 */
export const BULK_SWEEP_UPSERTS = 200;

/** A change found this long after its source time is late: a webhook should have announced it (README). */
export const LATE_CHANGE_MS = 60_000;

/**
 * The source times of the upserts a sweep found late (pure): edits and creates with a source time
 * (the CRM's modifyDate; Siagh has none) read LATE_CHANGE_MS or more after it. Not on a first sweep or
 * among a bulk of first-seen records: the import finds every record long after it was made.
 */
export function lateSourceTimes(
  upserts: readonly { prev: Hash52 | undefined; sourceTime: number | null }[],
  readAt: number,
  opts: { firstSweep: boolean; bulkFirstSeen: boolean },
): number[] {
  if (opts.firstSweep) return [];
  return upserts.flatMap((u) =>
    u.sourceTime === null ||
    (u.prev === undefined && opts.bulkFirstSeen) ||
    readAt - u.sourceTime < LATE_CHANGE_MS
      ? []
      : [u.sourceTime],
  );
}

/**
 * A source without modification times (Siagh) still tells one thing: a record whose hash differs from
 * the one the last complete sweep saw was edited after that sweep's read began. The syncer needs it when it links a
 * pair for the first time, with no base to merge against (decide/decide.ts): a person's edit made after
 * the CRM record's last modification must win, not lose to a tie-break.
 */
export function changedAfter(
  prev: Hash52 | undefined,
  observed: Pick<Observed, 'sourceTime'>,
  meta: Pick<SourceMeta, 'lastCompleteReadAt'>,
): { changedAfter?: string } {
  const after = meta.lastCompleteReadAt;
  if (prev === undefined || observed.sourceTime !== null || after === undefined || after === null) return {};
  return { changedAfter: String(after) };
}

/** Which upserts of a sweep are bulk work (see BULK_SWEEP_UPSERTS): pure, for the tracker and its tests. */
export function bulkUpserts(
  upserts: readonly string[],
  known: (id: string) => boolean,
): { firstSeen: boolean; changed: boolean } {
  let firstSeen = 0;
  for (const id of upserts) if (!known(id)) firstSeen++;
  return {
    firstSeen: firstSeen > BULK_SWEEP_UPSERTS,
    changed: upserts.length - firstSeen > BULK_SWEEP_UPSERTS,
  };
}

export class SourceTracker {
  constructor(
    readonly source: SourceSystem,
    public state: TrackedState,
    public meta: SourceMeta,
    private readonly target: EmitTarget,
    private readonly minRatio: number,
    private readonly logger: Logger,
    private readonly metrics: PollerMetrics | undefined,
  ) {}

  /**
   * Part of a sweep committed ahead of its end: records never seen before, as soon as they are fetched,
   * so a first sweep of 100,000 CRM records (the import) streams its events instead of holding every
   * record until the last detail call. Same event ids as the sweep's end would give them (one sweep
   * number), no deletes and no meta: the end of the sweep still judges absence, and finds these
   * records tracked and unchanged. Bulk work by construction (the caller streams only past
   * BULK_SWEEP_UPSERTS first-seen records).
   */
  async commitFirstSeen(
    observed: ReadonlyMap<string, Observed>,
    correlationId: string,
    now = Date.now(),
  ): Promise<number> {
    const sweep = this.meta.sweeps + 1;
    const base = this.eventBase(correlationId, now);
    const emissions: Emission[] = [];
    const hashes: [string, Hash52][] = [];
    for (const [id, d] of observed) {
      if (this.state.hashes.has(id)) continue;
      const hash = hash52(d.checksum);
      hashes.push([id, hash]);
      emissions.push({
        event: this.upsertEvent(base, id, undefined, d, sweep, true),
        state: stateMessage(this.source, { id, hash, missing: false }),
      });
    }
    if (emissions.length === 0) return 0;
    const emitted = await emitAll(this.target, emissions, []);
    for (const [id, hash] of hashes) this.state.hashes.set(id, hash);
    this.metrics?.recordsTracked.set({ source: this.source }, this.state.hashes.size);
    this.metrics?.changesEmitted.inc({ source: this.source, operation: 'upsert', trigger: 'poll' }, emitted);
    return emitted;
  }

  private eventBase(correlationId: string, now: number) {
    return {
      source: this.source,
      entityType: 'customer' as const,
      observedTime: now,
      trigger: 'poll' as Trigger,
      correlationId,
    };
  }

  private upsertEvent(
    base: ReturnType<SourceTracker['eventBase']>,
    id: string,
    prev: Hash52 | undefined,
    d: Observed,
    sweep: number,
    bulk: boolean,
  ): ChangeEvent {
    return newChangeEvent({
      ...base,
      eventId: deterministicEventId(
        'poll',
        this.source,
        id,
        prev === undefined ? '' : hashHex(prev),
        d.checksum,
        sweep,
      ),
      sourceId: id,
      operation: 'upsert',
      sourceTime: d.sourceTime,
      naturalKey: d.naturalKey,
      checksum: d.checksum,
      snapshot: d.snapshot,
      attributes: {
        ...d.attributes,
        // 'sweep': first seen (the import); 'changed': one of many changes (the router tells ours apart).
        ...(bulk && { bulk: prev === undefined ? 'sweep' : 'changed' }),
        ...changedAfter(prev, d, this.meta),
      },
    });
  }

  async commitSweep(input: SweepInput, now = Date.now()): Promise<SweepOutcome> {
    const result = diffSnapshot(this.state, input.hashes, {
      complete: input.complete,
      minRatio: this.minRatio,
    });
    const sweep = this.meta.sweeps + 1;
    const updates = new Map(result.updates.map((u) => [u.id, u]));
    const emissions: Emission[] = [];
    const base = this.eventBase(input.correlationId, now);

    const bulkKinds = bulkUpserts(result.upserts, (id) => this.state.hashes.has(id));
    const late = lateSourceTimes(
      result.upserts.map((id) => ({
        prev: this.state.hashes.get(id),
        sourceTime: input.details(id)?.sourceTime ?? null,
      })),
      input.readStartedAt ?? now,
      { firstSweep: this.meta.sweeps === 0, bulkFirstSeen: bulkKinds.firstSeen },
    );
    for (const id of result.upserts) {
      const d = input.details(id);
      const prev = this.state.hashes.get(id);
      const u = updates.get(id);
      if (!d) continue; // cannot happen for a hash that changed; guarded so a bug never emits a thin upsert
      const bulk = prev === undefined ? bulkKinds.firstSeen : bulkKinds.changed;
      emissions.push({
        event: this.upsertEvent(base, id, prev, d, sweep, bulk),
        state: u ? stateMessage(this.source, u) : null,
      });
      updates.delete(id);
    }
    for (const id of result.deletes) {
      const prev = this.state.hashes.get(id);
      const event = newChangeEvent({
        ...base,
        eventId: deterministicEventId(
          'poll',
          this.source,
          id,
          'delete',
          prev === undefined ? '' : hashHex(prev),
          sweep,
        ),
        sourceId: id,
        operation: 'delete',
      });
      emissions.push({ event, state: stateMessage(this.source, { id, hash: null }) });
      updates.delete(id);
    }
    // Missing marks set or cleared: state only.
    for (const u of updates.values()) emissions.push({ event: null, state: stateMessage(this.source, u) });

    const meta: SourceMeta = {
      ...this.meta,
      ...input.meta,
      sweeps: sweep,
      lastCompleteCount: result.newState.lastCompleteCount,
      lastCompleteAt: result.trusted ? now : this.meta.lastCompleteAt,
      lastCompleteReadAt: result.trusted
        ? (input.readStartedAt ?? null)
        : (this.meta.lastCompleteReadAt ?? null),
    };
    const emitted = await emitAll(this.target, emissions, [metaMessage(this.source, meta)]);
    this.state = result.newState;
    this.meta = meta;

    if (result.suppressed > 0 && result.suppressedReason) {
      // Alert level: an operator should know that deletes are being held back (and why).
      this.logger.error(
        {
          source: this.source,
          suppressed: result.suppressed,
          reason: result.suppressedReason,
          seen: input.hashes.size,
          lastCompleteCount: this.state.lastCompleteCount,
          correlationId: input.correlationId,
        },
        'deletes suppressed: snapshot incomplete or suspiciously small',
      );
      this.metrics?.deletesSuppressed.inc(
        { source: this.source, reason: result.suppressedReason },
        result.suppressed,
      );
    }
    this.metrics?.recordsTracked.set({ source: this.source }, this.state.hashes.size);
    this.metrics?.changesEmitted.inc(
      { source: this.source, operation: 'upsert', trigger: 'poll' },
      result.upserts.length,
    );
    this.metrics?.changesEmitted.inc(
      { source: this.source, operation: 'delete', trigger: 'poll' },
      result.deletes.length,
    );
    if (result.trusted) this.metrics?.lastCompleteSweep.set({ source: this.source }, now / 1000);
    if (late.length > 0) {
      this.metrics?.lateChanges.inc({ source: this.source }, late.length);
      const newest = Math.max(...late) / 1000;
      const prev = (await this.metrics?.lateChangeSourceTime.get())?.values.find(
        (v) => v.labels.source === this.source,
      )?.value;
      if (prev === undefined || newest > prev)
        this.metrics?.lateChangeSourceTime.set({ source: this.source }, newest);
    }
    return { result, emitted };
  }
}
