// Every change is normalized and hashed several times on its way (the router's checksum, the fetch,
// the decision's checksums of both sides), and the same values come back with every event of a record:
// the normalizers are pure, so their recent answers are kept instead of running six regex passes and two
// Unicode normalizations again (they were 9% of the syncer's CPU per change).

/**
 * A pure string function that remembers up to `size` recent answers. Once full the memory is dropped
 * whole: cheaper than an LRU's bookkeeping, and a working set larger than `size` still mostly hits
 * right after a drop because an event's values repeat within its own handling.
 */
export function memoized(fn: (value: string) => string, size = 16_384): (value: string) => string {
  let known = new Map<string, string>();
  return (value: string): string => {
    const hit = known.get(value);
    if (hit !== undefined) return hit;
    const out = fn(value);
    if (known.size >= size) known = new Map();
    known.set(value, out);
    return out;
  };
}
