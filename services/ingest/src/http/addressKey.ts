import { isIP } from 'node:net';

// The key a client address is counted under by the failed-authentication guard.
//
// IPv4: the address itself. IPv6: its /64, because a single subscriber or host is normally given a
// whole /64 (SLAAC, privacy addresses) and can pick a fresh /128 for every request: counting per /128
// would hand a guesser 2^64 budgets. An IPv4 client seen on a dual-stack socket (`::ffff:a.b.c.d`) is
// that IPv4 address, so it shares one budget however it arrives. Anything that is not an address
// (a garbled X-Forwarded-For behind a misconfigured proxy) shares ONE key: a fresh string per request
// must not be a fresh budget.

export const INVALID_ADDRESS_KEY = 'invalid';

/** The eight 16-bit groups of a valid IPv6 address (zone id removed), or undefined. */
function hextets(address: string): number[] | undefined {
  const zoneless = address.replace(/%.*$/, '');
  if (isIP(zoneless) !== 6) return undefined;
  let text = zoneless.toLowerCase();
  // A dotted IPv4 tail (`::ffff:1.2.3.4`, `64:ff9b::1.2.3.4`) is the last two groups.
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const missing = 8 - left.length - right.length;
  const groups = [...left, ...Array<string>(tail === undefined ? 0 : missing).fill('0'), ...right];
  return groups.length === 8 ? groups.map((g) => parseInt(g, 16)) : undefined;
}

/** `a.b.c.d` for IPv4 (and IPv4-mapped IPv6), `x:x:x:x::/64` for IPv6, `invalid` otherwise. */
export function addressKey(address: string | undefined): string {
  if (!address) return INVALID_ADDRESS_KEY;
  if (isIP(address) === 4) return address;
  const g = hextets(address);
  if (!g) return INVALID_ADDRESS_KEY;
  const mapped = g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff;
  if (mapped) return [g[6]! >> 8, g[6]! & 0xff, g[7]! >> 8, g[7]! & 0xff].join('.');
  return `${g
    .slice(0, 4)
    .map((x) => x.toString(16))
    .join(':')}::/64`;
}
