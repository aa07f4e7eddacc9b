import { hostname } from 'node:os';
import type { Kafka } from 'kafkajs';
import { createIdempotentProducer, topicName } from '@siaghsync/shared/kafka/index';
import type { SyncConfig } from '@siaghsync/shared/mapping/syncConfig';
import {
  encodeMappingNotice,
  MAPPING_SIGNATURE_HEADER,
  mappingKey,
  mappingReading,
  signMappingNotice,
  type MappingNotice,
} from '@siaghsync/shared/mapping/reading';

/**
 * Tells the syncers how this poller reads records (shared/src/mapping/reading.ts): on the compacted
 * `control` topic, once at start-up, before the first event it emits, signed with OPERATOR_EVENT_KEY.
 * A syncer that reads differently refuses to start, or holds its writes until the two agree. Without
 * the key nothing is announced (a syncer honours only signed notices): false.
 */
export async function announceMapping(
  kafka: Kafka,
  prefix: string,
  config: SyncConfig,
  source: string | null,
  key: string | undefined,
): Promise<boolean> {
  if (key === undefined) return false;
  const notice: MappingNotice = {
    service: 'poller',
    instance: `${hostname()}:${process.pid}`,
    source,
    reading: mappingReading(config),
    at: Date.now(),
  };
  const producer = createIdempotentProducer(kafka);
  await producer.connect();
  try {
    await producer.send({
      topic: topicName('control', prefix),
      acks: -1,
      messages: [
        {
          key: mappingKey('poller'),
          value: encodeMappingNotice(notice),
          headers: { [MAPPING_SIGNATURE_HEADER]: signMappingNotice(notice, key) },
        },
      ],
    });
  } finally {
    await producer.disconnect();
  }
  return true;
}
