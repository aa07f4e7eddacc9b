import type { CreateIntent, EntityStateRecord, Link, SourceSystem } from '@siaghsync/shared/events';
import type { KafkaMessage } from '@siaghsync/shared/kafka/client';
import type { EventCodec } from '@siaghsync/shared/registry';
import { permanent } from '@siaghsync/shared/errors';
import { fromRecord, supersedes, type EntityState } from '../decide/state';
import { parseWriteAhead, type WriteAhead } from '../decide/recover';
import { intentKey, type RouteLookups } from '../route/route';
import { PackedStates, type Version } from './packed/packedStates';

/** The id index and open create intents, folded from the compacted `links` and `intents` topics. */
export class RouteTables implements RouteLookups {
  private readonly links = new Map<string, string>();
  private readonly intents = new Map<string, CreateIntent>();
  /** Per `<side>:<canonical key>`, the start of the checksum our last announced write there makes. */
  private readonly written = new Map<string, string>();

  constructor(private readonly codec: EventCodec) {}

  async applyLink(message: KafkaMessage): Promise<void> {
    const key = message.key?.toString();
    if (!key) return;
    if (message.value === null || message.value.length === 0) {
      this.links.delete(key);
      return;
    }
    const link = await this.codec.decode<Link>(message.value);
    this.links.set(link.sourceKey, link.canonicalKey);
  }

  async applyIntent(message: KafkaMessage): Promise<void> {
    const key = message.key?.toString();
    if (!key) return;
    if (message.value === null || message.value.length === 0) {
      this.intents.delete(key);
      return;
    }
    this.setIntent(key, await this.codec.decode<CreateIntent>(message.value));
  }

  /** Intents this process just made durable, visible before they are read back from the topic. */
  rememberIntent(intent: CreateIntent): void {
    this.setIntent(intentKey(intent), intent);
  }

  private setIntent(key: string, intent: CreateIntent): void {
    if (intent.status === 'open') this.intents.set(key, intent);
    else this.intents.delete(key);
    // 16 hex digits tell our write from a person's edit well enough for choosing a queue.
    if (intent.write !== null) this.written.set(key, intent.checksum.slice(0, 16));
  }

  wroteLast(side: SourceSystem, canonicalKey: string, checksum: string): boolean {
    return this.written.get(`${side}:${canonicalKey}`) === checksum.slice(0, 16);
  }

  /** The writes announced for an entity and not yet closed by a commit (see decide/recover.ts). */
  announcedWrites(canonicalKey: string): WriteAhead[] {
    const out: WriteAhead[] = [];
    for (const side of ['crm', 'siagh'] as const) {
      const intent = this.intents.get(`${side}:${canonicalKey}`);
      const w = parseWriteAhead(intent?.write ?? null);
      if (w) out.push({ ...w, createdId: intent?.createdId ?? null });
    }
    return out;
  }

  /** Links the syncer itself just committed, so its own router does not wait for the round trip. */
  rememberLink(link: Link): void {
    this.links.set(link.sourceKey, link.canonicalKey);
  }

  linkOf(sourceKey: string): string | undefined {
    return this.links.get(sourceKey);
  }

  createdBy(side: SourceSystem, sourceId: string): CreateIntent | undefined {
    for (const intent of this.intents.values()) {
      if (intent.targetSide === side && intent.createdId === sourceId) return intent;
    }
    return undefined;
  }

  openIntentFor(
    side: SourceSystem,
    naturalKey: string | null,
    checksum: string | null,
  ): CreateIntent | undefined {
    for (const intent of this.intents.values()) {
      if (intent.targetSide !== side) continue;
      if (naturalKey !== null && intent.naturalKey === naturalKey) return intent;
      if (checksum !== null && intent.checksum === checksum) return intent;
    }
    return undefined;
  }

  get size(): { links: number; intents: number } {
    return { links: this.links.size, intents: this.intents.size };
  }
}

/**
 * Entity state: what the `entity-state` changelog says (committed), overlaid with what events being
 * handled have made of it and not committed yet (pending). A chunk whose transaction commits settles
 * its pending states; one that does not (a rebalance meanwhile, a failed commit) discards them, so the
 * re-run starts from the committed state again. Without that, a state built by an uncommitted run
 * outlived it: its conflict events were never published but the state kept the conflict open, and the
 * re-run saw nothing left to do.
 * Records that do not supersede what we hold (a zombie's write with an older generation, or a replay of
 * an older version) are ignored.
 * Committed states are held packed (kafka/packed/): a syncer holds every entity of its partitions.
 */
export class StateTable {
  private readonly committed: PackedStates;
  private readonly pending = new Map<string, EntityState>();
  /** Called with every COMMITTED state read from the changelog (not with local, uncommitted offers). */
  onCommitted: ((state: EntityState) => void) | undefined;

  constructor(
    private readonly codec: Pick<EventCodec, 'decode'>,
    options: { hotStates?: number } = {},
  ) {
    this.committed = new PackedStates(options.hotStates);
  }

  async apply(message: KafkaMessage): Promise<void> {
    const key = message.key?.toString();
    if (!key || message.value === null || message.value.length === 0) return;
    const decoded = await this.codec.decode<EntityStateRecord>(message.value);
    let record: EntityState;
    try {
      record = fromRecord(decoded);
    } catch (err) {
      // Decoded but its JSON fields do not parse: the record's own fault, never the registry's.
      throw permanent('INVALID_EVENT', `entity state ${key} is malformed: ${(err as Error).message}`, {
        cause: err,
      });
    }
    const taken = supersedes(record, this.committed.version(key));
    if (taken) this.committed.set(key, record);
    // Told even when not taken: our own commit read back does not supersede the copy it came from.
    if (taken || this.version(key)?.version === record.version) this.onCommitted?.(record);
  }

  /** A state made by handling an event, not committed yet. Returns whether it was taken. */
  offer(state: EntityState): boolean {
    if (!supersedes(state, this.version(state.canonicalKey))) return false;
    this.pending.set(state.canonicalKey, state);
    return true;
  }

  /** The transaction carrying these entities' states committed. */
  settle(keys: Iterable<string>): void {
    for (const key of keys) {
      const s = this.pending.get(key);
      if (!s) continue;
      this.pending.delete(key);
      if (supersedes(s, this.committed.version(key))) this.committed.set(key, s);
    }
  }

  /** The transaction carrying these entities' states did not commit: back to the committed states. */
  discard(keys: Iterable<string>): void {
    for (const key of keys) this.pending.delete(key);
  }

  get(key: string): EntityState | undefined {
    return this.pending.get(key) ?? this.committed.get(key);
  }

  *entries(): IterableIterator<[string, EntityState]> {
    for (const [key, state] of this.committed.entries()) yield [key, this.pending.get(key) ?? state];
    for (const [key, state] of this.pending) if (!this.committed.has(key)) yield [key, state];
  }

  /** The states with parked events, as entries() would give them, without decoding the others. */
  *parked(): IterableIterator<[string, EntityState]> {
    for (const [key, state] of this.committed.parked()) {
      if (!this.pending.has(key)) yield [key, state];
    }
    for (const [key, state] of this.pending) if (state.pending.length > 0) yield [key, state];
  }

  get size(): number {
    let n = this.committed.size;
    for (const key of this.pending.keys()) if (!this.committed.has(key)) n++;
    return n;
  }

  private version(key: string): Version | undefined {
    return this.pending.get(key) ?? this.committed.version(key);
  }
}
