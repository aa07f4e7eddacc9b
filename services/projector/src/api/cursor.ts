import { z } from 'zod';

/** Opaque keyset cursor: the sort key and _id of the last item of the page. */
export function encodeCursor(sortValue: number | null, id: string): string {
  return Buffer.from(JSON.stringify([sortValue, id])).toString('base64url');
}

export function decodeCursor(cursor: string): [number | null, string] | null {
  try {
    const v: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(v) &&
      v.length === 2 &&
      (typeof v[0] === 'number' || v[0] === null) &&
      typeof v[1] === 'string'
    ) {
      return [v[0], v[1]];
    }
  } catch {
    /* fall through */
  }
  return null;
}

/** Documents after the cursor in a (field desc, _id desc) order, or (asc, asc) with `order` 1. */
export function afterCursor(
  field: string,
  cursor: string | undefined,
  order: 1 | -1 = -1,
): Record<string, unknown> {
  if (!cursor) return {};
  const c = decodeCursor(cursor);
  if (!c) return { _id: { $exists: false } };
  const [v, id] = c;
  const past = order === 1 ? '$gt' : '$lt';
  return { $or: [{ [field]: { [past]: v } }, { [field]: v, _id: { [past]: id } }] };
}

export const pageQuery = {
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(500).optional(),
};

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export function page<T extends { _id: string }>(
  docs: T[],
  limit: number,
  sortField: (d: T) => number | null,
): Page<T> {
  const items = docs.slice(0, limit);
  const last = items[items.length - 1];
  return { items, nextCursor: docs.length > limit && last ? encodeCursor(sortField(last), last._id) : null };
}

/** A time bound given as epoch milliseconds or an ISO 8601 date. */
export const timeParam = z.string().transform((s, ctx) => {
  const n = /^\d+$/.test(s) ? Number(s) : Date.parse(s);
  if (!Number.isFinite(n)) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'expected epoch milliseconds or an ISO 8601 date' });
    return z.NEVER;
  }
  return n;
});
