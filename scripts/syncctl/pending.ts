import { Option, type Command } from 'commander';
import { projectorUrl, readToken } from './config';
import type { Ctx } from './context';
import { parsePositive } from './dlq';
import { EXIT } from './errors';
import { formatTime, table, truncate } from './format';
import { expectOk, requestJson } from './http';
import type { Run } from './program';

// `syncctl pending`: work that waits, from the projector's `pending` view (GET /api/pending), which
// folds the syncer's entity state: parked and retrying customers, quotes waiting for a customer link.

export interface PendingItem {
  canonicalKey: string;
  kind: 'customer' | 'quote';
  state: string;
  customerNumber: string | null;
  waitingFor: string | null;
  reasonCode: string | null;
  message: string | null;
  sourceMessage: string | null;
  since: number | null;
  lastAttemptAt: number | null;
  nextAttemptAt: number | null;
  attempts: number;
  queued: number;
  [k: string]: unknown;
}

export type PendingCounts = Record<string, number> & { total: number };

interface PendingPage {
  items: PendingItem[];
  nextCursor: string | null;
  counts: PendingCounts;
}

export interface PendingResult {
  items: PendingItem[];
  more: boolean;
  counts: PendingCounts;
}

/** "42 s", "25 min", "3.5 h", "2.1 d". */
export function age(ms: number): string {
  const s = Math.max(0, ms) / 1000;
  if (s < 90) return `${Math.round(s)} s`;
  if (s < 5400) return `${Math.round(s / 60)} min`;
  if (s < 172_800) return `${(s / 3600).toFixed(1)} h`;
  return `${(s / 86_400).toFixed(1)} d`;
}

/** UTC to the second: the waits are minutes long, milliseconds would be noise. */
export const utc = (ms: number | null): string =>
  ms === null ? '-' : formatTime(Math.floor(ms / 1000) * 1000);

/** When the syncer tries the entity next: a time, "due" when past, or what it waits on. */
export function nextAttempt(d: PendingItem, now: number): string {
  if (d.nextAttemptAt !== null) {
    const t = utc(d.nextAttemptAt);
    return d.nextAttemptAt > now ? `in ${age(d.nextAttemptAt - now)} (${t})` : `due (${t})`;
  }
  if (d.state === 'waiting-for-link') return `when ${d.waitingFor ?? 'its customer'} is linked`;
  return '-';
}

export function formatPending(r: PendingResult, now = Date.now()): string {
  const per = Object.entries(r.counts)
    .filter(([k, n]) => k !== 'total' && n > 0)
    .map(([k, n]) => `${n} ${k}`);
  const head = r.counts.total === 0 ? 'nothing waits' : `${r.counts.total} waiting: ${per.join(', ')}`;
  if (r.items.length === 0) return head;
  const t = table(
    ['entity', 'kind', 'customer', 'state', 'waiting', 'since', 'why', 'next attempt', 'attempts', 'queued'],
    r.items.map((d) => [
      d.canonicalKey,
      d.kind,
      d.customerNumber ?? '-',
      d.state,
      d.since === null ? '-' : age(now - d.since),
      utc(d.since),
      truncate(`${d.reasonCode ?? '?'}: ${d.sourceMessage ?? d.message ?? ''}`, 70),
      nextAttempt(d, now),
      d.attempts,
      d.queued,
    ]),
  );
  return [head, t, ...(r.more ? ['(more: raise --limit)'] : [])].join('\n');
}

async function list(
  ctx: Ctx,
  query: { state?: string | undefined; kind?: string | undefined },
  max: number,
): Promise<PendingResult> {
  const base = projectorUrl(ctx.cfg());
  const items: PendingItem[] = [];
  let counts: PendingCounts | null = null;
  let cursor: string | null = null;
  do {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined) q.set(k, v);
    q.set('limit', String(Math.min(500, max - items.length)));
    if (cursor) q.set('cursor', cursor);
    const page = expectOk(
      'projector',
      'list waiting work',
      await requestJson<PendingPage>('projector', `${base}/api/pending?${q.toString()}`, {
        timeoutMs: ctx.cfg().SYNCCTL_TIMEOUT_MS,
        token: readToken(ctx.cfg()),
      }),
    );
    items.push(...page.items);
    counts ??= page.counts;
    cursor = page.nextCursor;
  } while (cursor && items.length < max);
  return { items, more: cursor !== null, counts: counts ?? { total: 0 } };
}

export function registerPending(program: Command, run: Run): void {
  program
    .command('pending')
    .description(
      'work that waits: parked and retrying customers (since when, why, next attempt) and quotes waiting for a customer link, oldest first',
    )
    .addOption(
      new Option(
        '--state <state>',
        'only this state (waiting: for a customer link or a counterpart)',
      ).choices(['paused', 'parked', 'retrying', 'waiting']),
    )
    .addOption(new Option('--kind <kind>', 'only customers or quotes').choices(['customer', 'quote']))
    .option('--limit <n>', 'at most this many', parsePositive, 100)
    .action((o: { state?: string; kind?: string; limit: number }) =>
      run(async (ctx) => {
        const r = await list(ctx, { state: o.state, kind: o.kind }, o.limit);
        ctx.out.result(r, () => formatPending(r));
        return EXIT.ok;
      }),
    );
}
