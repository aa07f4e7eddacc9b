import net from 'node:net';
import { Kafka, logLevel, type KafkaConfig } from 'kafkajs';
import { requireEnv, uniqueName } from '../../../test/harness/names';
import { ensureTopics } from './admin';
import { KeptAdmin } from './keptAdmin';

const METADATA = 3;

/** Counts the client's connections and its metadata requests that ask for every topic (a null list). */
function watchedSockets() {
  const seen = { connections: 0, allTopicMetadata: 0 };
  const factory: NonNullable<KafkaConfig['socketFactory']> = ({ host, port, onConnect }) => {
    seen.connections++;
    const s = net.connect({ host, port }, onConnect);
    const write = s.write.bind(s) as (chunk: unknown, ...rest: unknown[]) => boolean;
    s.write = (chunk: unknown, ...rest: unknown[]) => {
      // size, api key, version, correlation id, client id (int16 length + bytes), then the topic array.
      if (Buffer.isBuffer(chunk) && chunk.length >= 14 && chunk.readInt16BE(4) === METADATA) {
        const clientIdLength = chunk.readInt16BE(12);
        const at = 14 + Math.max(0, clientIdLength);
        if (chunk.length >= at + 4 && chunk.readInt32BE(at) === -1) seen.allTopicMetadata++;
      }
      return write(chunk, ...rest);
    };
    return s;
  };
  return { seen, factory };
}

describe('KeptAdmin (real broker)', () => {
  const brokers = requireEnv('KAFKA_BROKERS').split(',');
  const prefix = `${uniqueName('kept')}.`;
  const topic = `${prefix}siaghsync.work`;

  beforeAll(async () => {
    await ensureTopics(new Kafka({ brokers, logLevel: logLevel.NOTHING }), prefix, ['work']);
  });

  it('serves repeated probes over one connection, without asking for every topic again', async () => {
    const { seen, factory } = watchedSockets();
    const probe = new KeptAdmin(new Kafka({ brokers, logLevel: logLevel.NOTHING, socketFactory: factory }));
    try {
      const first = await probe.use((a) => a.fetchTopicMetadata({ topics: [topic] }));
      expect(first.topics.map((t) => t.name)).toEqual([topic]);
      const after = { ...seen };
      for (let i = 0; i < 5; i++) await probe.use((a) => a.fetchTopicMetadata({ topics: [topic] }));
      expect(seen.connections).toBe(after.connections);
      expect(seen.allTopicMetadata).toBe(after.allTopicMetadata);
    } finally {
      await probe.close();
    }
  });

  it('opens a new connection after a failed call, and the call after it works', async () => {
    const { seen, factory } = watchedSockets();
    const probe = new KeptAdmin(new Kafka({ brokers, logLevel: logLevel.NOTHING, socketFactory: factory }));
    try {
      await probe.use((a) => a.fetchTopicMetadata({ topics: [topic] }));
      const before = seen.connections;
      await expect(probe.use(() => Promise.reject(new Error('probe failed')))).rejects.toThrow(
        'probe failed',
      );
      const again = await probe.use((a) => a.fetchTopicMetadata({ topics: [topic] }));
      expect(again.topics).toHaveLength(1);
      expect(seen.connections).toBeGreaterThan(before);
    } finally {
      await probe.close();
    }
  });

  it('refuses calls once closed', async () => {
    const probe = new KeptAdmin(new Kafka({ brokers, logLevel: logLevel.NOTHING }));
    await probe.use((a) => a.fetchTopicMetadata({ topics: [topic] }));
    await probe.close();
    await expect(probe.use((a) => a.fetchTopicMetadata({ topics: [topic] }))).rejects.toThrow('closed');
  });
});
