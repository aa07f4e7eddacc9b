// The load generator's choices, pure and seeded (unit-tested): which record, which side, which edit.
// Edits touch mapped fields only (config/sync.default.yaml): email (last-write-wins), the Siagh address,
// and now and then description (policy manual: a same-record edit on both sides parks a conflict).

import { Mulberry32 } from '../../simulators/common/rng';

export type Rng = () => number;

/** The simulators' seeded mulberry32, as a plain function: same seed, same sequence. */
export function rng(seed: number): Rng {
  const m = new Mulberry32(seed);
  return () => m.next();
}

export interface Pools {
  /** CRM ids of identities. */
  crm: string[];
  /** Siagh contact codes. */
  siagh: number[];
  /** Records present on both sides (same customer number): [crmId, siaghCode]. */
  pairs: [string, number][];
}

export type Edit =
  | { side: 'crm'; id: string; patch: Record<string, unknown> }
  | { side: 'siagh'; code: number; patch: Record<string, unknown> };

export interface Op {
  kind: 'crm' | 'siagh' | 'both';
  edits: Edit[];
}

const pick = <T>(r: Rng, xs: readonly T[]): T | undefined => xs[Math.floor(r() * xs.length)];
const word = (r: Rng): string =>
  Math.floor(r() * 36 ** 5)
    .toString(36)
    .padStart(5, '0');
const email = (r: Rng): string => `user.${word(r)}@example.ir`;

/** One user action: an edit on one side, or (bothRate of the time) the same record edited on both sides. */
export function nextOp(r: Rng, pools: Pools, bothRate: number): Op | null {
  const roll = r();
  if (roll < bothRate && pools.pairs.length > 0) {
    const [crmId, code] = pick(r, pools.pairs)!;
    // Mostly email (settled by last-write-wins); one in five description (manual: an operator decides).
    const field = r() < 0.8 ? (['email', 'Email'] as const) : (['description', 'Description'] as const);
    const crmValue = field[0] === 'email' ? email(r) : `یادداشت CRM ${word(r)}`;
    const siaghValue = field[0] === 'email' ? email(r) : `یادداشت سیاق ${word(r)}`;
    return {
      kind: 'both',
      edits: [
        { side: 'crm', id: crmId, patch: { [field[0]]: crmValue } },
        { side: 'siagh', code, patch: { [field[1]]: siaghValue } },
      ],
    };
  }
  if (r() < 0.5 && pools.crm.length > 0) {
    return { kind: 'crm', edits: [{ side: 'crm', id: pick(r, pools.crm)!, patch: { email: email(r) } }] };
  }
  if (pools.siagh.length > 0) {
    const patch =
      r() < 0.5
        ? { Email: email(r) }
        : { Address: `تهران، خیابان ${word(r)}، پلاک ${1 + Math.floor(r() * 200)}` };
    return { kind: 'siagh', edits: [{ side: 'siagh', code: pick(r, pools.siagh)!, patch }] };
  }
  return null;
}

interface DumpCrm {
  identities: { crmId: string; customerNumber: string | null }[];
}
interface DumpSiagh {
  contacts: { Code: number; tmpid: string | null; IsAdminUser?: boolean }[];
}

const crmNumber = (i: DumpCrm['identities'][number]): number | null => {
  const n = /^100-(\d+)$/.exec(i.customerNumber ?? '')?.[1];
  return n ? Number(n) : null;
};
const siaghNumber = (c: DumpSiagh['contacts'][number]): number | null =>
  c.tmpid && /^\d+$/.test(c.tmpid) ? Number(c.tmpid) : null;

/**
 * Pools from the simulators' dumps; pairs are matched by customer number (100-<n> = tmpid <n>). Only
 * the demo's seeded customers (numbers 1..maxCustomerNumber) are edited: a record a person creates
 * while trying the product is theirs, and an edit of it by the generator would look like a lost edit.
 */
export function poolsFrom(crm: DumpCrm, siagh: DumpSiagh, maxCustomerNumber = Infinity): Pools {
  const seeded = (n: number | null) => n !== null && n >= 1 && n <= maxCustomerNumber;
  const identities = crm.identities.filter((i) => seeded(crmNumber(i)));
  const contacts = siagh.contacts.filter((c) => !c.IsAdminUser && seeded(siaghNumber(c)));
  const byTmpid = new Map(contacts.map((c) => [siaghNumber(c)!, c.Code]));
  const pairs: [string, number][] = [];
  for (const i of identities) {
    const code = byTmpid.get(crmNumber(i)!);
    if (code !== undefined) pairs.push([i.crmId, code]);
  }
  return { crm: identities.map((i) => i.crmId), siagh: contacts.map((c) => c.Code), pairs };
}

/** The highest customer number of a seeded demo dataset (simulators/data/generator.ts numbers from 1). */
export const seededMaxCustomerNumber = (customers: number, overlap: number): number =>
  2 * customers - Math.round(customers * overlap);
