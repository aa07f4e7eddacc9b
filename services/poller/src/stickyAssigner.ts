// A partition assigner for the leader group: partition 0 (= the active role) stays with the member that
// already holds it, so a new or restarted instance joining the group does not cause a handover (each
// handover costs a state restore). Only when the holder is gone does it go to another member (the
// first by member id, so every group leader computes the same answer).

import { AssignerProtocol, type Assigner, type PartitionAssigner } from 'kafkajs';

export const LEADER_ASSIGNER = 'SiaghSyncStickyLeader';

export function stickyLeaderAssigner(isLeading: () => boolean): PartitionAssigner {
  return () =>
    ({
      name: LEADER_ASSIGNER,
      version: 1,
      protocol: ({ topics }) => ({
        name: LEADER_ASSIGNER,
        metadata: AssignerProtocol.MemberMetadata.encode({
          version: 1,
          topics,
          userData: Buffer.from(isLeading() ? '1' : '0'),
        }),
      }),
      assign: ({ members, topics }) => {
        const sorted = [...members].sort((a, b) => a.memberId.localeCompare(b.memberId));
        const holder =
          sorted.find(
            (m) => AssignerProtocol.MemberMetadata.decode(m.memberMetadata)?.userData?.toString() === '1',
          ) ?? sorted[0];
        const encode = (parts: number[]) =>
          AssignerProtocol.MemberAssignment.encode({
            version: 1,
            assignment: Object.fromEntries(topics.map((t) => [t, parts])),
            userData: Buffer.alloc(0),
          });
        return Promise.resolve(
          sorted.map((m) => ({ memberId: m.memberId, memberAssignment: encode(m === holder ? [0] : []) })),
        );
      },
    }) satisfies Assigner;
}
