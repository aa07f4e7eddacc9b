/**
 * Runs `fn` over items with at most `limit` keys in flight; items sharing a key run one after another
 * in their original order. Results come back in input order.
 * A failure starts nothing new and is thrown once every running call has ended: the caller's clean-up
 * (a chunk's uncommitted states discarded) must not run while other calls can still add to them.
 */
export async function runKeyed<T, R>(
  items: T[],
  keyOf: (item: T) => string,
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const groups = new Map<string, number[]>();
  items.forEach((item, i) => {
    const k = keyOf(item);
    const g = groups.get(k) ?? [];
    g.push(i);
    groups.set(k, g);
  });
  const results = new Array<R>(items.length);
  const queue = [...groups.values()];
  let failure: { error: unknown } | undefined;
  const next = () => (failure ? undefined : queue.shift());
  const worker = async () => {
    for (let g = next(); g; g = next()) {
      for (const i of g) {
        try {
          results[i] = await fn(items[i]!);
        } catch (error) {
          failure ??= { error };
          return;
        }
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, queue.length) }, worker));
  if (failure) throw failure.error;
  return results;
}
