import { createKafka, topicName, type Kafka } from '@siaghsync/shared/kafka/index';
import { readTopicToEnd } from '../../test/harness/readTopic';
import { createLogger } from '@siaghsync/shared/logger';
import { EventCodec } from '@siaghsync/shared/registry';
import type { SyncOutcome, WorkEvent } from '@siaghsync/shared/events';
import { percentiles, type Percentiles } from './stats';

// Where an end-to-end latency goes, from what the pipeline itself recorded: the change's observed time
// (ingest), the work event's routed time (router), and the outcome's time and duration (syncer). All
// three clocks are this machine's, so the differences are real. Read once the run is over.

export interface Stages {
  /** ingest accepted -> router produced the work event */
  route: Percentiles;
  /** routed -> the syncer started handling it (router commit, fetch, wait on the partition's lane) */
  queue: Percentiles;
  /** the syncer's handling: reads, decide, intent, target write */
  handle: Percentiles;
}

export async function stagesOf(brokers: string[], registryUrl: string, prefix: string): Promise<Stages> {
  const kafka = createKafka({
    brokers,
    clientId: 'bench-stages',
    logger: createLogger({ service: 'bench-stages', level: 'error' }),
  });
  const codec = new EventCodec(registryUrl);
  const work = await readAll<WorkEvent>(kafka, codec, topicName('work', prefix));
  const outcomes = await readAll<SyncOutcome>(kafka, codec, topicName('outcomes', prefix));
  const byCorrelation = new Map(work.map((w) => [w.correlationId, w]));
  const route: number[] = [];
  const queue: number[] = [];
  const handle: number[] = [];
  for (const o of outcomes) {
    const w = byCorrelation.get(o.correlationId);
    if (o.status !== 'synced' || !w?.change) continue;
    route.push(w.routedAt - w.change.observedTime);
    queue.push(o.occurredAt - o.durationMs - w.routedAt);
    handle.push(o.durationMs);
  }
  return { route: percentiles(route), queue: percentiles(queue), handle: percentiles(handle) };
}

async function readAll<T>(kafka: Kafka, codec: EventCodec, topic: string): Promise<T[]> {
  const out: T[] = [];
  await readTopicToEnd(kafka, topic, async (m) => {
    if (m.value) out.push(await codec.decode<T>(m.value));
  });
  return out;
}
