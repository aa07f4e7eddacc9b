// CRM sweep planning, pure. The CRM's lists give ids but no modification time, so a sweep fetches the
// details of (a) every id it has never seen and (b) a round-robin slice of the known ids, sized so all of
// them are re-checked every `reconcileSweeps` sweeps, and never more than `maxReconcile` of them: with
// 100,000 identities a tenth per minute would be 167 detail calls a second, three times the CRM's rate
// limit, and the syncer's own calls would queue behind them. Webhooks are the fast path for edits; this
// slice is the safety net that bounds how long a lost webhook can go unnoticed, at a steady detail-call
// rate instead of a burst.

export interface CrmPlan {
  fetch: string[];
  nextCursor: number;
  reconciled: number;
}

/** `listed` must be sorted (a stable order makes the cursor meaningful across sweeps). */
export function planCrmSweep(
  listed: readonly string[],
  isTracked: (id: string) => boolean,
  cursor: number,
  reconcileSweeps: number,
  maxReconcile = Infinity,
): CrmPlan {
  const fetch: string[] = [];
  const known: string[] = [];
  for (const id of listed) (isTracked(id) ? known : fetch).push(id);
  if (known.length === 0) return { fetch, nextCursor: 0, reconciled: 0 };
  const slice = Math.min(
    known.length,
    Math.ceil(known.length / Math.max(1, reconcileSweeps)),
    Math.max(0, maxReconcile),
  );
  const start = cursor % known.length;
  for (let i = 0; i < slice; i++) fetch.push(known[(start + i) % known.length] as string);
  return { fetch, nextCursor: (start + slice) % known.length, reconciled: slice };
}

/** Runs `fn` over `items` with at most `concurrency` in flight; results in input order. */
export async function mapPool<T, R>(
  items: readonly T[],
  concurrency: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
  return out;
}
