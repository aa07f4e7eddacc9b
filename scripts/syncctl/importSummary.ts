// After a real import: what the syncer made of it, in the rows of `backfill --dry-run`, read from the
// projector (GET /api/imports/summary, by the import's correlation ids). The backfill only emits; the
// syncer links, creates and settles conflicts afterwards, so the summary waits for its outcomes.

import { SingleBar, Presets } from 'cli-progress';
import type { ImportResult } from '../../services/projector/src/views/sync_audit/imports';
import { projectorUrl, readToken } from './config';
import type { Ctx } from './context';
import { table } from './format';
import { expectOk, requestJson } from './http';
import type { ImportCounts } from './preview';

export interface ImportSummary {
  correlationIds: string[];
  /**
   * Events the backfill emitted; the summary is final once every one has a final outcome. Null when
   * asked for later without it (`--summary-of` without `--emitted`): events still queued have no
   * outcome yet, so nothing then says the import is finished.
   */
  emitted: number | null;
  /** What the backfill read and the numbers it found twice; null when only the outcomes were asked for. */
  read: { crm: number; siagh: number } | null;
  collisions: { crm: number; siagh: number } | null;
  result: ImportResult;
  /** False when the wait ended (no progress for --wait seconds) before every event was decided. */
  complete: boolean;
}

export async function fetchImportResult(ctx: Ctx, correlationIds: string[]): Promise<ImportResult> {
  const q = new URLSearchParams({ correlationId: correlationIds.join(',') });
  return expectOk(
    'projector',
    "read the import's outcomes",
    await requestJson<ImportResult>(
      'projector',
      `${projectorUrl(ctx.cfg())}/api/imports/summary?${q.toString()}`,
      {
        timeoutMs: Math.max(30_000, ctx.cfg().SYNCCTL_TIMEOUT_MS),
        token: readToken(ctx.cfg()),
      },
    ),
  );
}

/**
 * Polls until every emitted event is decided, or until the count has not moved for `stallMs` (the
 * syncer stopped, or is paused): then the summary says how far it got.
 */
export async function waitForImport(
  ctx: Ctx,
  correlationIds: string[],
  emitted: number,
  opts: { stallMs: number; pollMs: number; sleep?: (ms: number) => Promise<void> },
): Promise<{ result: ImportResult; complete: boolean }> {
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const bar = new SingleBar(
    { format: 'sync  [{bar}] {value}/{total} import events decided', stream: process.stderr },
    Presets.shades_classic,
  );
  bar.start(emitted, 0);
  let last = -1;
  let movedAt = Date.now();
  try {
    for (;;) {
      const result = await fetchImportResult(ctx, correlationIds);
      bar.update(Math.min(result.decided, emitted));
      if (result.decided >= emitted) return { result, complete: true };
      if (result.decided !== last) {
        last = result.decided;
        movedAt = Date.now();
      } else if (Date.now() - movedAt >= opts.stallMs) return { result, complete: false };
      await sleep(opts.pollMs);
    }
  } finally {
    bar.stop();
  }
}

type Counts = Omit<ImportCounts, 'read' | 'collisions'> & {
  read: ImportCounts['read'] | null;
  collisions: ImportCounts['collisions'] | null;
};

/** The dry run's counts and the import's, in one shape: the two tables read line by line alike. */
export function countRows(c: Counts): [string, number | string][] {
  return [
    ['read crm', c.read?.crm ?? '-'],
    ['read siagh', c.read?.siagh ?? '-'],
    ['pairs to link', c.pairs],
    ['  identical', c.pairsIdentical],
    ['  differing', c.pairsDiffering],
    ['  differing fields', c.differingFields],
    ['creates in crm', c.creates.crm],
    ['creates in siagh', c.creates.siagh],
    ['not created', c.notCreated],
    ['collisions crm', c.collisions?.crm ?? '-'],
    ['collisions siagh', c.collisions?.siagh ?? '-'],
    ['conflicts open (manual)', c.conflictsOpen],
    ['conflicts auto-resolved', c.conflictsAutoResolved],
    ['updates crm', c.updates.crm],
    ['updates siagh', c.updates.siagh],
  ];
}

export function asPreviewCounts(s: ImportSummary): Counts {
  const r = s.result;
  return {
    read: s.read,
    pairs: r.pairs,
    pairsIdentical: r.pairsIdentical,
    pairsDiffering: r.pairsDiffering,
    differingFields: r.differingFields,
    creates: r.creates,
    notCreated: r.notCreated,
    collisions: s.collisions,
    conflictsOpen: r.conflictsOpen,
    conflictsAutoResolved: r.conflictsAutoResolved,
    updates: r.updates,
  };
}

export function formatImportSummary(s: ImportSummary): string {
  const rows = countRows(asPreviewCounts(s)).map(([what, n]) => [
    what.replace('pairs to link', 'pairs linked').replace(/^creates in/, 'created in'),
    n,
  ]);
  const of = s.emitted === null ? '' : `/${s.emitted}`;
  rows.push(['dead letters', s.result.deadLettered], ['events decided', `${s.result.decided}${of}`]);
  const again = `syncctl backfill --summary-of ${s.correlationIds.join(',')}${s.emitted === null ? '' : ` --emitted ${s.emitted}`}`;
  const head = s.complete
    ? 'import summary (what the syncer did; compare with backfill --dry-run)'
    : s.emitted === null
      ? `import summary SO FAR: ${s.result.decided} events decided (${s.result.unsettled} retrying); ` +
        'events still queued have no outcome yet: add --emitted <n> (the backfill printed it) to know whether it is finished'
      : `import summary: NOT FINISHED, ${s.result.decided} of ${s.emitted} events decided` +
        ` (${s.result.unsettled} retrying); see \`syncctl pending\`, then \`${again}\``;
  return [head, table(['what', 'count'], rows)].join('\n');
}
