import { ConstantBackoff, handleAll, retry } from 'cockatiel';
import { Kafka, logLevel } from 'kafkajs';
import type { KafkaNodes } from '../harness/kafkaNodes';
import { untilBrokers } from '../harness/kafkaNodes';

/**
 * The node that leads the busiest partitions right now: the most records, summed over the partitions
 * it leads, of every topic of the run (Kafka's own topics aside).
 */
export async function busiestLeader(cluster: KafkaNodes): Promise<number> {
  const admin = new Kafka({
    brokers: cluster.brokers.split(','),
    logLevel: logLevel.NOTHING,
    retry: { retries: 2 },
  }).admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((t) => !t.startsWith('__'));
    const { topics: meta } = await admin.fetchTopicMetadata({ topics });
    const load = new Map<number, number>();
    for (const t of meta) {
      const offsets = await admin.fetchTopicOffsets(t.name);
      for (const p of t.partitions) {
        const high = Number(offsets.find((o) => o.partition === p.partitionId)?.high ?? 0);
        load.set(p.leader, (load.get(p.leader) ?? 0) + high);
      }
    }
    const [leader] = [...load.entries()].sort((a, b) => b[1] - a[1])[0] ?? [cluster.nodes[0]!.id];
    return leader;
  } finally {
    await admin.disconnect();
  }
}

/**
 * kill -9 of the busiest leader while the load runs; it comes back on its data after `downMs` and
 * catches up as a follower. The other two keep every partition writable (min ISR 2 of 3).
 */
const running = new WeakMap<KafkaNodes, Promise<void>>();

/**
 * One broker down at a time: a failure planned while the last one is still coming back waits for it
 * (two of three down at once is a write outage of every partition, another test than one failure).
 */
export function killBusiestLeader(
  cluster: KafkaNodes,
  downMs: number,
  say: (line: string) => void,
): Promise<void> {
  const next = (running.get(cluster) ?? Promise.resolve()).then(() => killOne(cluster, downMs, say));
  running.set(
    cluster,
    next.catch(() => undefined),
  );
  return next;
}

async function killOne(cluster: KafkaNodes, downMs: number, say: (line: string) => void): Promise<void> {
  // A node killed a moment ago may still be named a leader in the metadata a first attempt reads.
  const id = await retry(handleAll, { maxAttempts: 10, backoff: new ConstantBackoff(1000) }).execute(() =>
    busiestLeader(cluster),
  );
  const node = cluster.nodes.find((n) => n.id === id)!;
  const t0 = Date.now();
  await node.kill('SIGKILL');
  say(`kill -9 of broker ${id} (leader of the busiest partitions)`);
  await new Promise((r) => setTimeout(r, downMs));
  node.start();
  await untilBrokers({ brokers: cluster.brokers.split(',') }, cluster.nodes.length, 90_000);
  say(`broker ${id} back after ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}
