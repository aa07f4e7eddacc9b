import type { Kafka, Producer } from '@siaghsync/shared/kafka/index';
import { createTransactionalProducer, ensureTopics, topicName } from '@siaghsync/shared/kafka/index';
import { EventCodec } from '@siaghsync/shared/registry';
import type {
  Conflict,
  DeadLetter,
  EntityStateRecord,
  SyncOutcome,
  WorkEvent,
} from '@siaghsync/shared/events';

/**
 * Plays the syncer in tests and benchmarks: encodes records as it does and produces them keyed by canonical
 * key, in transactions as it does, so every partition ends with a transaction marker the projector must count.
 */
export class LogWriter {
  private producer: Producer;
  constructor(
    private readonly kafka: Kafka,
    readonly codec: EventCodec,
    readonly prefix: string,
  ) {
    this.producer = createTransactionalProducer(kafka, `${prefix}log-writer`);
  }

  static async open(kafka: Kafka, registryUrl: string, prefix: string): Promise<LogWriter> {
    await ensureTopics(kafka, prefix, [
      'outcomes',
      'conflicts',
      'deadLetters',
      'entityState',
      'work',
      'links',
    ]);
    const codec = new EventCodec(registryUrl);
    await codec.registerAll();
    const w = new LogWriter(kafka, codec, prefix);
    await w.producer.connect();
    return w;
  }

  async outcomes(list: SyncOutcome[]): Promise<void> {
    await this.send(
      'outcomes',
      'SyncOutcome',
      list.map((o) => [o.canonicalKey, o]),
    );
  }
  async conflicts(list: Conflict[]): Promise<void> {
    await this.send(
      'conflicts',
      'Conflict',
      list.map((c) => [c.canonicalKey, c]),
    );
  }
  async deadLetters(list: DeadLetter[]): Promise<void> {
    await this.send(
      'deadLetters',
      'DeadLetter',
      list.map((d) => [d.canonicalKey, d]),
    );
  }
  async states(list: EntityStateRecord[]): Promise<void> {
    await this.send(
      'entityState',
      'EntityState',
      list.map((s) => [s.canonicalKey, s]),
    );
  }
  async work(list: WorkEvent[]): Promise<void> {
    await this.send(
      'work',
      'WorkEvent',
      list.map((w) => [w.canonicalKey, w]),
    );
  }

  private async send(
    topic: 'outcomes' | 'conflicts' | 'deadLetters' | 'entityState' | 'work',
    schema: 'SyncOutcome' | 'Conflict' | 'DeadLetter' | 'EntityState' | 'WorkEvent',
    items: [string, unknown][],
  ): Promise<void> {
    if (items.length === 0) return;
    const messages = await Promise.all(
      items.map(async ([key, v]) => ({ key, value: await this.codec.encode(schema, v) })),
    );
    const tx = await this.producer.transaction();
    try {
      await tx.send({ topic: topicName(topic, this.prefix), messages, acks: -1 });
      await tx.commit();
    } catch (err) {
      await tx.abort().catch(() => undefined);
      throw err;
    }
  }

  async close(): Promise<void> {
    await this.producer.disconnect();
  }
}
