import { groupLag, syncerLag } from '../harness/lag';
import { topicName, type Consumer, type Kafka } from '@siaghsync/shared/kafka/index';
import type { EventCodec } from '@siaghsync/shared/registry';
import type { Conflict, DeadLetter, SyncOutcome } from '@siaghsync/shared/events';

// Reads what the syncer reports (outcomes, conflicts, dead letters) from the start of the run's topics,
// and measures consumer lag, so the run can tell when the pipeline is idle.

export interface Observed {
  outcomes: SyncOutcome[];
  /** Latest state of each conflict (a conflict is re-published when it is resolved). */
  conflicts: Map<string, Conflict>;
  deadLetters: DeadLetter[];
  lastOutcomeAt: number;
  stop(): Promise<void>;
}

export async function observe(
  kafka: Kafka,
  codec: EventCodec,
  prefix: string,
  groupId: string,
): Promise<Observed> {
  const consumer: Consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({
    topics: [topicName('outcomes', prefix), topicName('deadLetters', prefix), topicName('conflicts', prefix)],
    fromBeginning: true,
  });
  const seen: Observed = {
    outcomes: [],
    conflicts: new Map(),
    deadLetters: [],
    lastOutcomeAt: Date.now(),
    stop: () => consumer.disconnect(),
  };
  await consumer.run({
    eachMessage: async ({ topic, message }) => {
      if (!message.value) return;
      seen.lastOutcomeAt = Date.now();
      if (topic === topicName('deadLetters', prefix))
        seen.deadLetters.push(await codec.decode<DeadLetter>(message.value));
      else if (topic === topicName('conflicts', prefix)) {
        const c = await codec.decode<Conflict>(message.value);
        seen.conflicts.set(c.conflictId, c);
      } else seen.outcomes.push(await codec.decode<SyncOutcome>(message.value));
    },
  });
  return seen;
}

export { groupLag };

export async function pipelineLag(
  kafka: Kafka,
  prefix: string,
): Promise<{ router: number; work: number; partitions: number }> {
  const admin = kafka.admin();
  await admin.connect();
  const partitions = await admin
    .fetchTopicMetadata({ topics: [topicName('work', prefix)] })
    .then((m) => m.topics[0]?.partitions.length ?? 1)
    .finally(() => admin.disconnect());
  const [router, lag] = await Promise.all([
    groupLag(kafka, `${prefix}siaghsync-router`, topicName('changes', prefix)),
    syncerLag(kafka, prefix),
  ]);
  // `partitions` bounds the commit markers an idle pipeline leaves as lag: one per partition of each topic.
  return { router, work: lag.live + lag.bulk, partitions: partitions * lag.topics };
}
