// The initial import: every record of a source as an upsert with trigger=backfill, so the syncer LINKS
// existing pairs by customer number instead of creating duplicates. It does not touch the poller's state
// (the active poller stays its only writer) and uses an idempotent, not a transactional, producer (it must
// not fence the running poller). Event ids are deterministic per run id, so a re-run with the same id is
// recognizable downstream, while a new run is a deliberate new import.

import type { Message, Producer } from 'kafkajs';
import type { EventCodec } from '@siaghsync/shared/registry';
import type { SyncConfig } from '@siaghsync/shared/mapping/syncConfig';
import type { CrmClient } from '@siaghsync/shared/crm/client';
import type { SiaghClient } from '@siaghsync/shared/siagh/client';
import type { Logger } from '@siaghsync/shared/logger';
import { deterministicEventId, newChangeEvent, sourceKey, type SourceSystem } from '@siaghsync/shared/events';
import { fetchCrmDetail, listCrmIds, observeCrmIdentity } from './crmPoller';
import { observeSiaghContact } from './siaghPoller';
import { signSnapshot } from '@siaghsync/shared/operator/snapshotSignature';
import { mapPool } from './crmPlan';
import type { Observed } from './tracker';

export interface BackfillCounts {
  source: SourceSystem;
  total: number;
  read: number;
  emitted: number;
  skipped: number;
  errors: number;
  /** False when the list itself could not be read completely. */
  complete: boolean;
  /** Customer numbers held by more than one record of this source (the import links one of them). */
  collisions: number;
  /** Every event of this source carries it: the import's outcomes are found by it. */
  correlationId: string;
}

/** Numbers seen more than once: the dry run's collisions, counted on what the import really read. */
class CollisionCounter {
  private readonly seen = new Set<string>();
  private readonly twice = new Set<string>();
  add(naturalKey: string | null): void {
    if (naturalKey === null) return;
    if (this.seen.has(naturalKey)) this.twice.add(naturalKey);
    else this.seen.add(naturalKey);
  }
  get count(): number {
    return this.twice.size;
  }
}

export interface BackfillDeps {
  producer: Producer;
  codec: EventCodec;
  changesTopic: string;
  syncConfig: SyncConfig;
  runId: string;
  correlationId: string;
  concurrency: number;
  logger: Logger;
  /** OPERATOR_EVENT_KEY: signs each snapshot, so the syncer may decide on it without a read. */
  snapshotKey?: string | undefined;
  onProgress?: (c: BackfillCounts) => void;
}

class Batcher {
  private pending: Message[] = [];
  constructor(
    private readonly d: BackfillDeps,
    private readonly counts: BackfillCounts,
  ) {}

  /** `readStartedAt`: when the read that returned this record began (the syncer's reads/freshness.ts). */
  async add(source: SourceSystem, id: string, o: Observed, readStartedAt: number): Promise<void> {
    const event = newChangeEvent({
      eventId: deterministicEventId('backfill', source, id, o.checksum, this.d.runId),
      source,
      entityType: 'customer',
      sourceId: id,
      operation: 'upsert',
      sourceTime: o.sourceTime,
      observedTime: Date.now(),
      trigger: 'backfill',
      correlationId: this.d.correlationId,
      naturalKey: o.naturalKey,
      checksum: o.checksum,
      snapshot: o.snapshot,
      attributes: { ...o.attributes, readStartedAt: String(readStartedAt) },
    });
    this.pending.push({
      key: sourceKey(source, id),
      value: await this.d.codec.encode('ChangeEvent', signSnapshot(event, this.d.snapshotKey)),
      headers: { eventId: event.eventId, correlationId: event.correlationId },
    });
    if (this.pending.length >= 200) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    await this.d.producer.send({ topic: this.d.changesTopic, messages: batch, acks: -1 });
    this.counts.emitted += batch.length;
    this.d.onProgress?.(this.counts);
  }
}

export async function backfillSiagh(client: SiaghClient, d: BackfillDeps): Promise<BackfillCounts> {
  const counts: BackfillCounts = {
    source: 'siagh',
    total: 0,
    read: 0,
    emitted: 0,
    skipped: 0,
    errors: 0,
    complete: true,
    collisions: 0,
    correlationId: d.correlationId,
  };
  const numbers = new CollisionCounter();
  const readStartedAt = Date.now();
  const contacts = await client.getAllContacts();
  counts.total = contacts.length;
  const out = new Batcher(d, counts);
  for (const c of contacts) {
    counts.read++;
    try {
      const o = observeSiaghContact(c, d.syncConfig);
      numbers.add(o.naturalKey);
      await out.add('siagh', String(c.Code), o, readStartedAt);
    } catch (err) {
      counts.errors++;
      d.logger.warn({ err, code: c.Code }, 'backfill: contact skipped');
    }
  }
  await out.flush();
  counts.collisions = numbers.count;
  return counts;
}

export async function backfillCrm(client: CrmClient, d: BackfillDeps): Promise<BackfillCounts> {
  const counts: BackfillCounts = {
    source: 'crm',
    total: 0,
    read: 0,
    emitted: 0,
    skipped: 0,
    errors: 0,
    complete: true,
    collisions: 0,
    correlationId: d.correlationId,
  };
  const numbers = new CollisionCounter();
  const listing = await listCrmIds(client, 100, d.logger);
  counts.complete = listing.complete;
  counts.total = listing.ids.size;
  d.onProgress?.(counts);
  const out = new Batcher(d, counts);
  await mapPool([...listing.ids], d.concurrency, async ([id, kind]) => {
    try {
      const readStartedAt = Date.now();
      const r = await fetchCrmDetail(client, id, kind);
      counts.read++;
      if (r === 'gone')
        counts.skipped++; // deleted since it was listed
      else {
        const o = observeCrmIdentity(r, kind, d.syncConfig);
        numbers.add(o.naturalKey);
        await out.add('crm', id, o, readStartedAt);
      }
    } catch (err) {
      counts.errors++;
      d.logger.warn({ err, id }, 'backfill: identity failed');
    }
    d.onProgress?.(counts);
  });
  await out.flush();
  counts.collisions = numbers.count;
  return counts;
}
