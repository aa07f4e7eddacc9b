// The processor group's assignor. `work` and the bulk topics are partitioned alike (by canonical key), and
// an entity's live and bulk events must reach the same process (its state lives there, and lanes.ts
// keeps one entity out of two chunks at once only within a process): partition p of every subscribed
// topic goes to one member. Members are ordered by member id, so every group leader computes the same.

import { AssignerProtocol, PartitionAssigners, type Assigner, type PartitionAssigner } from 'kafkajs';

export const CO_PARTITIONED = 'SiaghSyncCoPartitioned';

/** Partition numbers -> member index: p goes to member p mod n (pure, for the unit test). */
export function coPartition(memberIds: string[], partitions: number[]): Map<string, number[]> {
  const sorted = [...memberIds].sort();
  const out = new Map<string, number[]>(sorted.map((m) => [m, []]));
  const ps = [...partitions].sort((a, b) => a - b);
  ps.forEach((p, i) => out.get(sorted[i % sorted.length]!)!.push(p));
  return out;
}

export const coPartitionedAssigner: PartitionAssigner = ({ cluster }) =>
  ({
    name: CO_PARTITIONED,
    version: 1,
    protocol: ({ topics }) => ({
      name: CO_PARTITIONED,
      metadata: AssignerProtocol.MemberMetadata.encode({ version: 1, topics, userData: Buffer.alloc(0) }),
    }),
    assign: async ({ members, topics }) => {
      await cluster.refreshMetadataIfNecessary();
      // Every topic's partition numbers; a partition present in any topic is assigned in all of them.
      const perTopic = new Map(
        topics.map((t) => [t, new Set(cluster.findTopicPartitionMetadata(t).map((p) => p.partitionId))]),
      );
      const partitions = new Set([...perTopic.values()].flatMap((s) => [...s]));
      const plan = coPartition(
        members.map((m) => m.memberId),
        [...partitions],
      );
      return members.map((m) => ({
        memberId: m.memberId,
        memberAssignment: AssignerProtocol.MemberAssignment.encode({
          version: 1,
          assignment: Object.fromEntries(
            topics.map((t) => [t, (plan.get(m.memberId) ?? []).filter((p) => perTopic.get(t)!.has(p))]),
          ),
          userData: Buffer.alloc(0),
        }),
      }));
    },
  }) satisfies Assigner;

/**
 * Round-robin second: during a rolling upgrade from a syncer that knew only it, the group still forms
 * (the older members read `work` only); once every member is new, co-partitioned is the one chosen.
 */
export const processorAssigners: PartitionAssigner[] = [coPartitionedAssigner, PartitionAssigners.roundRobin];
