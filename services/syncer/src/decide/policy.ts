import type { ConflictPolicy, Side } from '@siaghsync/shared/mapping/syncConfig';

export type Settlement = { winner: Side; reason: string } | { winner: null; reason: 'manual' };

/**
 * Settles a field changed on both sides to different values. Last-write-wins compares the source
 * times of each side's change; times within the clock-skew allowance are a tie (the two clocks cannot
 * tell them apart), and so is a missing time (an initial link has no history): ties go to the
 * configured side, never to whichever event happened to arrive last.
 */
export function settle(
  policy: ConflictPolicy,
  times: { crm: number | undefined; siagh: number | undefined },
): Settlement {
  switch (policy.kind) {
    case 'crm-wins':
      return { winner: 'crm', reason: 'conflict-fixed-crm' };
    case 'siagh-wins':
      return { winner: 'siagh', reason: 'conflict-fixed-siagh' };
    case 'manual':
      return { winner: null, reason: 'manual' };
    case 'lww': {
      const { crm, siagh } = times;
      if (crm === undefined || siagh === undefined || Math.abs(crm - siagh) <= policy.clockSkewMs) {
        return { winner: policy.tiePriority, reason: 'conflict-lww-tie' };
      }
      return { winner: crm > siagh ? 'crm' : 'siagh', reason: 'conflict-lww' };
    }
  }
}
