import { classify, type SyncError } from '@siaghsync/shared/errors';
import type { KafkaMessage, Message } from '@siaghsync/shared/kafka/client';
import { quarantineMessage } from '@siaghsync/shared/kafka/quarantine';
import type { WorkEvent } from '@siaghsync/shared/events';
import type { EventCodec } from '@siaghsync/shared/registry';
import { OPERATOR_SIGNATURE_HEADER } from '@siaghsync/shared/operator/signature';
import type { Queued } from '../lanes';
import type { EventMeta } from '../records';

/** What a lane holds: an event to handle, or a record to quarantine in the chunk's transaction. */
export type WorkItem =
  | { event: WorkEvent; meta: EventMeta }
  | {
      quarantine: Message;
      /** A key of its own (no entity): it holds back no other lane (lanes.ts). */
      key: string;
      reason: SyncError;
    };

export interface DecodedBatch {
  items: Queued<WorkItem>[];
  /** The first record the registry could not decode now: nothing from it on may be processed yet. */
  held?: { offset: string; error: SyncError };
}

/**
 * A fetched batch of one partition, decoded in order. A record that can never be decoded becomes a
 * quarantine item (committed with the chunk it falls in, so the offset moves only once it is kept);
 * a registry failure stops the batch there (held): what comes before it goes on, the rest waits.
 */
export async function decodeBatch(
  codec: Pick<EventCodec, 'decode'>,
  at: { topic: string; partition: number; generation: number; consumer: string; now: number },
  messages: KafkaMessage[],
): Promise<DecodedBatch> {
  const items: Queued<WorkItem>[] = [];
  for (const m of messages) {
    if (m.value === null) {
      // A tombstone on a work topic carries nothing to do; its offset still commits.
      items.push({ offset: m.offset, value: null });
      continue;
    }
    try {
      const event = await codec.decode<WorkEvent>(m.value);
      const meta: EventMeta = {
        topic: at.topic,
        partition: at.partition,
        offset: m.offset,
        generation: at.generation,
      };
      const signature = m.headers?.[OPERATOR_SIGNATURE_HEADER];
      if (signature !== undefined) meta.operatorSignature = signature;
      items.push({ offset: m.offset, value: { event, meta } });
    } catch (err) {
      const error = classify(err);
      if (error.kind !== 'permanent') return { items, held: { offset: m.offset, error } };
      const source = { topic: at.topic, partition: at.partition, consumer: at.consumer };
      items.push({
        offset: m.offset,
        value: {
          quarantine: quarantineMessage(source, m, error, at.now),
          key: `quarantine:${at.topic}:${at.partition}:${m.offset}`,
          reason: error,
        },
      });
    }
  }
  return { items };
}

export const isEvent = (i: WorkItem): i is Extract<WorkItem, { event: WorkEvent }> => 'event' in i;
export const keyOfItem = (i: WorkItem): string => (isEvent(i) ? i.event.canonicalKey : i.key);
