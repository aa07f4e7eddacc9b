import type { WriteEntry } from '@siaghsync/simulators/common/journal';
import type { Finding } from './checker';
import type { Disruption } from './faults';
import type { Side } from './generator';
import { numberOf } from './creates';

// Write amplification: every write the pipeline makes to a target is explained by a change at a source.
// Read from the targets' write journals, where each accepted write says which properties it changed.
//
// `redundant-write` (none twice): an accepted pipeline update that changed nothing: the record already
// held every value sent, so the same values were written before with no change between. One per record
// is allowed after each kill -9 of the syncer or broker restart that came after the record's previous
// pipeline write: an event re-run after a lost commit may repeat its idempotent write once.
//
// `unexplained-write` (no write without a change): per customer and side, the pipeline's accepted
// creates, deletes and changing updates must not outnumber the customer's source changes: its seeded
// records (one per side; the import may write once for each) plus every accepted user write of it on
// either side. A change reaches the other side in one write (a simultaneous edit on both sides in one);
// it is counted on both sides so that no correct merge is ever a finding (conservative), while a write
// loop or a rewrite of an older value without a new change still outnumbers the changes.

export interface WriteCount {
  /** Accepted pipeline writes (creates, updates, deletes). */
  writes: number;
  /** Of those, updates that changed nothing. */
  noop: number;
  /** No-op updates allowed after a disruption. */
  excused: number;
}

const disruptsWrites = (d: Disruption) => d.target === 'syncer' || d.target === 'kafka';

export function amplification(
  side: Side,
  journals: Record<Side, readonly WriteEntry[]>,
  disruptions: readonly Disruption[],
): { findings: Finding[]; count: WriteCount } {
  const findings: Finding[] = [];
  const count: WriteCount = { writes: 0, noop: 0, excused: 0 };
  const relevant = disruptions.filter(disruptsWrites);
  const budget = new Map<number, number>();
  for (const s of ['crm', 'siagh'] as const)
    for (const e of journals[s]) {
      const n = numberOf(s, e);
      if (n === null || e.outcome !== 'ok' || e.origin === 'api') continue;
      // A seed is the record as the import found it; a user write is a change.
      budget.set(n, (budget.get(n) ?? 0) + 1);
    }
  const used = new Map<number, WriteEntry[]>();
  const lastWrite = new Map<string, WriteEntry>();
  const excused = new Set<string>();
  for (const e of [...journals[side]].sort((a, b) => a.seq - b.seq)) {
    if (e.origin !== 'api' || e.outcome !== 'ok' || e.recordId === null) continue;
    count.writes++;
    const n = numberOf(side, e);
    const previous = lastWrite.get(e.recordId);
    lastWrite.set(e.recordId, e);
    if (e.op === 'update' && e.changed.length === 0) {
      count.noop++;
      const since = previous?.timeMs ?? -Infinity;
      const cover = relevant.findIndex(
        (d, k) => d.endMs > since && d.startMs < e.timeMs && !excused.has(`${e.recordId}@${k}`),
      );
      if (cover >= 0) {
        excused.add(`${e.recordId}@${cover}`);
        count.excused++;
        continue;
      }
      findings.push({
        kind: 'redundant-write',
        n,
        detail:
          `${side} ${e.recordId}: pipeline update #${e.seq} changed nothing (${Object.keys(e.fields).join(', ') || 'no fields'})` +
          (previous ? `, after its write #${previous.seq} ${e.timeMs - previous.timeMs} ms before` : ''),
      });
      continue;
    }
    if (n === null) continue;
    const list = [...(used.get(n) ?? []), e];
    used.set(n, list);
    const allowed = budget.get(n) ?? 0;
    if (list.length === allowed + 1)
      findings.push({
        kind: 'unexplained-write',
        n,
        detail: `${side}: pipeline write #${e.seq} (${e.op} ${e.changed.join(', ')}) is write ${list.length} of customer ${n} on this side, which had ${allowed} source change(s); writes ${list.map((w) => `#${w.seq}`).join(', ')}`,
      });
  }
  return { findings, count };
}
