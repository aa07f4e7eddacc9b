import type { Admin, Consumer, Kafka, KafkaMessage } from 'kafkajs';

// Ages measured by the benchmark's own clock, against a consumer group's committed offsets: the bench
// reads the topics itself and keeps a time for each record (its broker timestamp, or the change's
// observation time inside it); the group is behind by the age of the oldest record it has not
// committed yet. The projector's views against the outcomes topic; the syncer's freshness against the
// work topics.

export class OffsetClock {
  /** Per `topic:partition`, the time of each offset read so far (sparse: transaction markers). */
  private readonly times = new Map<string, number[]>();
  /** Every sampled age, s. */
  readonly delays: number[] = [];

  private constructor(
    private readonly consumer: Consumer,
    private readonly admin: Admin,
    private readonly topics: readonly string[],
    private readonly group: string,
  ) {}

  static async start(
    kafka: Kafka,
    topics: readonly string[],
    group: string,
    clockGroup: string,
    timeOf: (m: KafkaMessage) => Promise<number> | number = (m) => Number(m.timestamp),
  ): Promise<OffsetClock> {
    const consumer = kafka.consumer({ groupId: clockGroup });
    const admin = kafka.admin();
    await Promise.all([consumer.connect(), admin.connect()]);
    const clock = new OffsetClock(consumer, admin, topics, group);
    for (const topic of topics) await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        const key = `${batch.topic}:${batch.partition}`;
        let list = clock.times.get(key);
        if (!list) clock.times.set(key, (list = []));
        for (const m of batch.messages) list[Number(m.offset)] = await timeOf(m);
      },
    });
    return clock;
  }

  /** Per topic, the group's age now in seconds (0 when it has committed all the bench has seen). */
  async ages(now = Date.now()): Promise<Map<string, number>> {
    const committed = await this.admin.fetchOffsets({ groupId: this.group, topics: [...this.topics] });
    const out = new Map<string, number>(this.topics.map((t) => [t, 0]));
    for (const [key, list] of this.times) {
      const cut = key.lastIndexOf(':');
      const topic = key.slice(0, cut);
      const partition = Number(key.slice(cut + 1));
      const c = Number(
        committed.find((t) => t.topic === topic)?.partitions.find((p) => p.partition === partition)?.offset ??
          -1,
      );
      // First record not yet committed (a committed offset may point at a transaction marker).
      let next = c < 0 ? 0 : c;
      while (next < list.length && list[next] === undefined) next++;
      const t = list[next];
      if (t !== undefined) out.set(topic, Math.max(out.get(topic)!, (now - t) / 1000));
    }
    return out;
  }

  /** The oldest age over every topic, kept in `delays`. */
  async sample(now = Date.now()): Promise<number> {
    const delay = Math.max(0, ...(await this.ages(now)).values());
    this.delays.push(delay);
    return delay;
  }

  async stop(): Promise<void> {
    await Promise.all([this.consumer.disconnect(), this.admin.disconnect()]);
  }
}
