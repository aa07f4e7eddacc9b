import type { Producer, TopicMessages } from 'kafkajs';

export interface ConsumedOffsets {
  consumerGroupId: string;
  /** The NEXT offset to read per partition (last processed + 1), as Kafka commits expect. */
  topics: { topic: string; partitions: { partition: number; offset: string }[] }[];
}

/**
 * Consume-transform-produce: the outputs and the consumer offsets become visible together or not at
 * all. A read_committed consumer never sees an aborted transaction's records, and the group's
 * committed offsets only move on commit, so a crash re-runs exactly the uncommitted input.
 *
 * kafkajs has no KIP-447 (no group metadata in sendOffsets): a zombie that lost its partitions can
 * still commit. Callers must fence state writes themselves (per-entity versions in the syncer).
 */
export async function commitTransaction(
  producer: Producer,
  outputs: TopicMessages[],
  offsets: ConsumedOffsets | undefined,
  /** Asked right before the commit is sent; a throw aborts the transaction instead. */
  beforeCommit?: () => Promise<void>,
): Promise<void> {
  const tx = await producer.transaction();
  try {
    if (outputs.length > 0) await tx.sendBatch({ topicMessages: outputs, acks: -1 });
    if (offsets && offsets.topics.length > 0) await tx.sendOffsets(offsets);
    await beforeCommit?.();
    await tx.commit();
  } catch (err) {
    await tx.abort().catch(() => undefined);
    throw err;
  }
}

/** Offsets to commit after processing `offset` on each partition. */
export function nextOffsets(
  consumerGroupId: string,
  processed: { topic: string; partition: number; offset: string }[],
): ConsumedOffsets {
  return furthest(
    consumerGroupId,
    processed.map((p) => ({ ...p, offset: BigInt(p.offset) + 1n })),
  );
}

/** One set of offsets for a shared transaction: per group, topic and partition, the furthest. */
export function mergeOffsets(all: (ConsumedOffsets | undefined)[]): ConsumedOffsets | undefined {
  const present = all.filter((o): o is ConsumedOffsets => o !== undefined && o.topics.length > 0);
  if (present.length === 0) return undefined;
  const groupId = present[0]!.consumerGroupId;
  if (present.some((o) => o.consumerGroupId !== groupId))
    throw new Error('one transaction can commit the offsets of one consumer group only');
  return furthest(
    groupId,
    present.flatMap((o) =>
      o.topics.flatMap((t) =>
        t.partitions.map((p) => ({ topic: t.topic, partition: p.partition, offset: BigInt(p.offset) })),
      ),
    ),
  );
}

function furthest(
  consumerGroupId: string,
  entries: { topic: string; partition: number; offset: bigint }[],
): ConsumedOffsets {
  const byTopic = new Map<string, Map<number, bigint>>();
  for (const e of entries) {
    const parts = byTopic.get(e.topic) ?? new Map<number, bigint>();
    if ((parts.get(e.partition) ?? -1n) < e.offset) parts.set(e.partition, e.offset);
    byTopic.set(e.topic, parts);
  }
  return {
    consumerGroupId,
    topics: [...byTopic].map(([topic, parts]) => ({
      topic,
      partitions: [...parts].map(([partition, offset]) => ({ partition, offset: offset.toString() })),
    })),
  };
}
