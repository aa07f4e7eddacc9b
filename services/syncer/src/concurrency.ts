/**
 * Runs `fn` over items with at most `limit` keys in flight; items sharing a key run one after another
 * in their original order. Results come back in input order.
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
  const worker = async () => {
    for (let g = queue.shift(); g; g = queue.shift()) {
      for (const i of g) results[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, queue.length) }, worker));
  return results;
}
