import type { Admin, Consumer, Kafka } from 'kafkajs';

// How far the projector's views trail the syncer's outcomes, by the benchmark's own clock: the bench
// reads the outcomes topic itself and keeps each record's broker timestamp (when the syncer produced
// it); the views are behind by the age of the oldest outcome the projector has not committed yet.

export class ViewsClock {
  /** Per partition, the produce time of each offset read so far. */
  private readonly times = new Map<number, number[]>();
  /** Every sampled delay, s. */
  readonly delays: number[] = [];

  private constructor(
    private readonly consumer: Consumer,
    private readonly admin: Admin,
    private readonly topic: string,
    private readonly projectorGroup: string,
  ) {}

  static async start(
    kafka: Kafka,
    topic: string,
    projectorGroup: string,
    clockGroup: string,
  ): Promise<ViewsClock> {
    const consumer = kafka.consumer({ groupId: clockGroup });
    const admin = kafka.admin();
    await Promise.all([consumer.connect(), admin.connect()]);
    const clock = new ViewsClock(consumer, admin, topic, projectorGroup);
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        let list = clock.times.get(batch.partition);
        if (!list) clock.times.set(batch.partition, (list = []));
        for (const m of batch.messages) list[Number(m.offset)] = Number(m.timestamp);
        await Promise.resolve();
      },
    });
    return clock;
  }

  /** The views' delay now, in seconds (0 when the projector has committed all it can see). */
  async sample(now = Date.now()): Promise<number> {
    const [committed] = await this.admin.fetchOffsets({ groupId: this.projectorGroup, topics: [this.topic] });
    let delay = 0;
    for (const [partition, list] of this.times) {
      const c = Number(committed?.partitions.find((p) => p.partition === partition)?.offset ?? -1);
      // First offset not yet in the views; a group that has committed nothing has all of it ahead.
      const next = c < 0 ? list.findIndex((t) => t !== undefined) : c;
      const t = next >= 0 && next < list.length ? list[next] : undefined;
      if (t !== undefined) delay = Math.max(delay, (now - t) / 1000);
    }
    this.delays.push(delay);
    return delay;
  }

  async stop(): Promise<void> {
    await Promise.all([this.consumer.disconnect(), this.admin.disconnect()]);
  }
}
