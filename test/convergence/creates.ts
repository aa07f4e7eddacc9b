import { parseCustomerNumber, parseTmpid } from '@siaghsync/shared/mapping/canonical';
import type { WriteEntry } from '@siaghsync/simulators/common/journal';
import type { Finding } from './checker';
import type { Side } from './generator';

// "No duplicate create", seen where it happens: in the target's write journal, not in its final records.
// A second create of a customer can end as a refusal (Siagh: the same mobile is a duplicate phone; the
// CRM: the same customer number is refused), which the final records never show. So every create the
// pipeline attempts is judged at the moment it reached the system, whether it was accepted or refused.

/** The customer number a journal entry carries, read as the mapping reads it on that side. */
export function numberOf(side: Side, e: WriteEntry): number | null {
  return side === 'crm' ? parseCustomerNumber(e.customerNo) : parseTmpid(e.customerNo);
}

export interface CreateCount {
  /** Create attempts through the API (the pipeline's), accepted or refused. */
  attempts: number;
  refused: number;
}

/**
 * `duplicate-create-attempt`: a pipeline create of customer n on a side
 *  - while that side holds a record of n (seeded, created by a user or by the pipeline, and not deleted
 *    since), whatever the answer; or
 *  - after an earlier pipeline create of n on that side was refused, with no user write of n on either
 *    side in between (`changesOf`): retrying a refused create on its own is a second attempt too.
 * Deletes free the number: a contact deleted in Siagh is created again by the next CRM edit, as designed.
 */
export function duplicateCreates(
  side: Side,
  entries: readonly WriteEntry[],
  changesOf: (n: number) => readonly number[] = () => [],
): { findings: Finding[]; count: CreateCount } {
  const findings: Finding[] = [];
  const count: CreateCount = { attempts: 0, refused: 0 };
  const live = new Map<number, Map<string, WriteEntry>>();
  const numberOfRecord = new Map<string, number>();
  const refusedAt = new Map<number, WriteEntry>();
  const hold = (n: number, id: string, e: WriteEntry) => {
    const m = live.get(n) ?? new Map<string, WriteEntry>();
    m.set(id, e);
    live.set(n, m);
    numberOfRecord.set(id, n);
  };
  const release = (id: string) => {
    const n = numberOfRecord.get(id);
    if (n !== undefined) live.get(n)?.delete(id);
    numberOfRecord.delete(id);
  };
  for (const e of [...entries].sort((a, b) => a.seq - b.seq)) {
    const n = numberOf(side, e);
    if (e.op === 'create' && e.origin === 'api') {
      count.attempts++;
      if (e.outcome === 'refused') count.refused++;
      const held = n === null ? [] : [...(live.get(n)?.values() ?? [])];
      const answer = e.outcome === 'ok' ? `created ${e.recordId}` : `refused: ${e.reason ?? ''}`;
      if (n !== null && held.length > 0) {
        const by = held.map((h) => `${h.recordId} (${h.origin} create #${h.seq})`).join(', ');
        findings.push({
          kind: 'duplicate-create-attempt',
          n,
          detail: `${side}: pipeline create #${e.seq} while ${by} exists; ${answer}`,
        });
      }
      const before = n === null ? undefined : refusedAt.get(n);
      if (n !== null && before && !changesOf(n).some((t) => t >= before.timeMs && t <= e.timeMs))
        findings.push({
          kind: 'duplicate-create-attempt',
          n,
          detail: `${side}: pipeline create #${e.seq} after its create #${before.seq} was refused (${before.reason ?? ''}) with no change between; ${answer}`,
        });
      if (n !== null && e.outcome === 'refused') refusedAt.set(n, e);
      if (n !== null && e.outcome === 'ok') refusedAt.delete(n);
    }
    if (e.outcome !== 'ok' || e.recordId === null) continue;
    if (e.op === 'delete') release(e.recordId);
    else if (e.op === 'create' || numberOfRecord.get(e.recordId) !== n) {
      release(e.recordId);
      if (n !== null) hold(n, e.recordId, e);
    }
  }
  return { findings, count };
}

/** Times (wall ms) of user writes per customer number, on both sides: what a retried create may follow. */
export function userChanges(journals: Record<Side, readonly WriteEntry[]>): (n: number) => number[] {
  const by = new Map<number, number[]>();
  for (const side of ['crm', 'siagh'] as const)
    for (const e of journals[side]) {
      const n = numberOf(side, e);
      if (e.origin !== 'ui' || e.outcome !== 'ok' || n === null) continue;
      by.set(n, [...(by.get(n) ?? []), e.timeMs]);
    }
  return (n) => by.get(n) ?? [];
}
