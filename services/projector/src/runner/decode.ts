import type { KafkaMessage } from '@siaghsync/shared/kafka/index';
import type { EventCodec } from '@siaghsync/shared/registry';
import type {
  ConflictResolution,
  Conflict,
  DeadLetter,
  EntityStateRecord,
  SyncOutcome,
  WorkEvent,
} from '@siaghsync/shared/events';
import { parseResolution } from '@siaghsync/shared/operator/resolution';
import type { ProjectorEvent, Stream } from '../events';

/**
 * One record of a stream to the event the views fold, or null for records the views ignore
 * (work changes, a resolution whose JSON is unreadable). Throws only on undecodable bytes, a SyncError
 * whose kind tells the record's fault (permanent: quarantined) from the registry's (retried, runner.ts).
 */
export async function decodeRecord(
  codec: EventCodec,
  stream: Stream,
  message: KafkaMessage,
): Promise<ProjectorEvent | null> {
  const key = message.key?.toString() ?? '';
  if (message.value === null) {
    // Only the compacted state topic carries tombstones: the entity's state was removed.
    return stream === 'entity-state' ? { type: 'entity-state', key, data: null } : null;
  }
  // Zero bytes is no Avro record: the syncer's table readers write such markers (with a barrier header)
  // to every partition of the compacted topics they read, entity-state included, to know they caught up.
  if (message.value.length === 0) return null;
  switch (stream) {
    case 'outcomes':
      return { type: 'outcome', data: await codec.decode<SyncOutcome>(message.value) };
    case 'conflicts':
      return { type: 'conflict', data: await codec.decode<Conflict>(message.value) };
    case 'dead-letters':
      return { type: 'dead-letter', data: await codec.decode<DeadLetter>(message.value) };
    case 'entity-state':
      return { type: 'entity-state', key, data: await codec.decode<EntityStateRecord>(message.value) };
    case 'work':
      return workEvent(await codec.decode<WorkEvent>(message.value));
  }
}

function workEvent(w: WorkEvent): ProjectorEvent | null {
  // 'retry' is the syncer's own marker (a parked entity's retry, a waiting pre-invoice woken), not an
  // operator's redrive: folded, it made a document `retry` whose key and redrives depended on which
  // partition of `work` was read first, so a rebuild differed from the live view.
  if (w.kind === 'redrive' && w.redriveOf && w.redriveOf !== 'retry') {
    return {
      type: 'redrive-requested',
      deadLetterId: w.redriveOf,
      canonicalKey: w.canonicalKey,
      routedAt: w.routedAt,
      correlationId: w.correlationId,
    };
  }
  if (w.kind === 'resolution' && w.resolution) {
    let data: ConflictResolution;
    try {
      data = parseResolution(w.resolution);
    } catch {
      // The syncer dead-letters it; the conflict stays open in the views.
      return null;
    }
    return { type: 'resolution-requested', data, routedAt: w.routedAt, correlationId: w.correlationId };
  }
  return null;
}
