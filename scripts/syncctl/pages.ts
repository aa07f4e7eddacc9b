import type { Ctx } from './context';
import { projectorUrl, readToken } from './config';
import { expectOk, requestJson } from './http';

/** Reads a projector list route page by page (keyset cursor) until `max` items or the end. */
export async function readPages<T>(
  ctx: Ctx,
  path: string,
  query: Record<string, string | undefined>,
  max: number,
  what: string,
): Promise<{ items: T[]; more: boolean }> {
  const base = projectorUrl(ctx.cfg());
  const items: T[] = [];
  let cursor: string | null = null;
  do {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined) q.set(k, v);
    q.set('limit', String(Math.min(500, max - items.length)));
    if (cursor) q.set('cursor', cursor);
    const page = expectOk(
      'projector',
      what,
      await requestJson<{ items: T[]; nextCursor: string | null }>(
        'projector',
        `${base}${path}?${q.toString()}`,
        { timeoutMs: ctx.cfg().SYNCCTL_TIMEOUT_MS, token: readToken(ctx.cfg()) },
      ),
    );
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor && items.length < max);
  return { items, more: cursor !== null };
}
