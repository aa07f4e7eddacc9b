import { hostname } from 'node:os';
import type { Kafka } from 'kafkajs';
import { createIdempotentProducer, topicName } from '@siaghsync/shared/kafka/index';
import type { SyncConfig } from '@siaghsync/shared/mapping/syncConfig';
import { encodeMappingNotice, mappingKey, mappingReading } from '@siaghsync/shared/mapping/reading';

/**
 * Tells the syncers how this poller reads records (shared/src/mapping/reading.ts): on the compacted
 * `control` topic, once at start-up, before the first event it emits. A syncer that reads differently
 * holds its writes until the two agree.
 */
export async function announceMapping(
  kafka: Kafka,
  prefix: string,
  config: SyncConfig,
  source: string | null,
): Promise<void> {
  const producer = createIdempotentProducer(kafka);
  await producer.connect();
  try {
    await producer.send({
      topic: topicName('control', prefix),
      acks: -1,
      messages: [
        {
          key: mappingKey('poller'),
          value: encodeMappingNotice({
            service: 'poller',
            instance: `${hostname()}:${process.pid}`,
            source,
            reading: mappingReading(config),
            at: Date.now(),
          }),
        },
      ],
    });
  } finally {
    await producer.disconnect();
  }
}
