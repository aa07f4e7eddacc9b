// The seeded workload: the same seed always gives the same list of operations. Operations name a
// customer by its number (CRM `100-<n>` / Siagh tmpid n), not by an id, so the list is fixed before the
// run; whether a record exists on a side is only known when the operation runs (then it may be skipped).

import { Mulberry32 } from '../../simulators/common/rng';

export type Rng = () => number;

/** The simulators' seeded mulberry32, as a plain function: same seed, same sequence. */
export function rng(seed: number): Rng {
  const m = new Mulberry32(seed);
  return () => m.next();
}

export type Side = 'crm' | 'siagh';
/** Mapped fields that flow both ways (config/sync.default.yaml); mobile/phone are siagh-wins, description manual. */
export const EDIT_FIELDS = [
  'name',
  'email',
  'mobile',
  'phone',
  'address',
  'postalCode',
  'description',
] as const;
export type EditField = (typeof EDIT_FIELDS)[number];

export interface NewCustomer {
  kind: 'person' | 'organization';
  name: string;
  email: string;
  mobile: string;
  phone: string;
  address: string;
  postalCode: string;
}

export interface QuoteLine {
  productCode: string;
  count: number;
  baseUnitPrice: number;
  totalDiscount: number;
}

/** A fault the load makes on purpose: the dead letter it causes is expected (checker: deadLetters.ts). */
export type DeliberateFault = 'fractional-price';

/** Quotes are CRM-only (pre-invoices flow CRM -> Siagh); `q` numbers them in the order they are made. */
export type Op =
  | { at: number; kind: 'create'; side: Side; n: number; customer: NewCustomer }
  | { at: number; kind: 'edit'; side: Side; n: number; field: EditField; value: string; both?: true }
  | { at: number; kind: 'delete'; side: Side; n: number }
  | {
      at: number;
      kind: 'quote';
      side: 'crm';
      q: number;
      n: number;
      subject: string;
      lines: QuoteLine[];
      fault?: DeliberateFault;
    }
  | { at: number; kind: 'quoteEdit'; side: 'crm'; q: number; lines: QuoteLine[]; fault?: DeliberateFault };

export interface WorkloadOptions {
  seed: number;
  ops: number;
  /** Operations per second (pacing). */
  rate: number;
  /** Customer numbers 1..initial exist in the seeded dataset. */
  initial: number;
  /** Siagh-only customers of the dataset, numbered initial+1..initial+siaghOnly. */
  siaghOnly: number;
}

const pick = <T>(r: Rng, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const word = (r: Rng): string =>
  Math.floor(r() * 36 ** 5)
    .toString(36)
    .padStart(5, '0');
const digits = (r: Rng, len: number): string =>
  Array.from({ length: len }, () => Math.floor(r() * 10)).join('');

/** Phones are unique per run (a counter inside the number): Siagh refuses a duplicate phone. */
function valueOf(r: Rng, field: EditField, serial: number): string {
  const s = String(serial).padStart(6, '0');
  switch (field) {
    case 'name':
      return `مشتری ${word(r)}`;
    case 'email':
      return `c${serial}.${word(r)}@example.ir`;
    case 'mobile':
      return `0938${s}${digits(r, 1)}`;
    case 'phone':
      return `021${s}${digits(r, 2)}`;
    case 'address':
      return `تهران، خیابان ${word(r)}، پلاک ${1 + Math.floor(r() * 200)}`;
    case 'postalCode':
      return digits(r, 10).replace(/^0/, '1');
    case 'description':
      return `یادداشت ${word(r)}`;
  }
}

/**
 * 1-3 lines of whole rials. One quote in twenty has a fractional unit price, which the syncer must refuse
 * (PREINVOICE_AMOUNT_NOT_INTEGER): the checker then expects a dead letter instead of a document.
 */
export function quoteLines(r: Rng): QuoteLine[] {
  const bad = r() < 0.05;
  return Array.from({ length: 1 + Math.floor(r() * 3) }, (_, i) => {
    const count = 1 + Math.floor(r() * 5);
    const baseUnitPrice = (1 + Math.floor(r() * 200)) * 10_000 + (bad && i === 0 ? 0.5 : 0);
    const totalDiscount = r() < 0.3 ? Math.floor(r() * count * 1000) * 10 : 0;
    return { productCode: `K-${100 + Math.floor(r() * 50)}`, count, baseUnitPrice, totalDiscount };
  });
}

/** The lines with the fault quoteLines makes on purpose, named so the checker expects its dead letter. */
function withFault(lines: QuoteLine[]): { lines: QuoteLine[]; fault?: DeliberateFault } {
  const fractional = lines.some(
    (l) => !Number.isInteger(l.baseUnitPrice) || !Number.isInteger(l.totalDiscount),
  );
  return fractional ? { lines, fault: 'fractional-price' } : { lines };
}

/**
 * Builds the operation list: ~13% creates, ~9% deletes, ~6% quotes, ~3% quote edits, the rest field
 * edits, a third of those on both sides within a second.
 */
export function generateOps(o: WorkloadOptions): Op[] {
  const r = rng(o.seed);
  const ops: Op[] = [];
  const known: number[] = [];
  for (let n = 1; n <= o.initial + o.siaghOnly; n++) known.push(n);
  let nextNew = 10_000;
  let serial = 1;
  let quotes = 0;
  const gap = 1000 / o.rate;
  let at = 0;
  while (ops.length < o.ops) {
    at += gap * (0.5 + r());
    const roll = r();
    if (roll < 0.13) {
      const n = nextNew++;
      known.push(n);
      const s = serial++;
      ops.push({
        at,
        kind: 'create',
        side: r() < 0.5 ? 'crm' : 'siagh',
        n,
        customer: {
          kind: r() < 0.8 ? 'person' : 'organization',
          name: valueOf(r, 'name', s),
          email: valueOf(r, 'email', s),
          mobile: valueOf(r, 'mobile', s),
          phone: valueOf(r, 'phone', s),
          address: valueOf(r, 'address', s),
          postalCode: valueOf(r, 'postalCode', s),
        },
      });
    } else if (roll < 0.22) {
      ops.push({ at, kind: 'delete', side: r() < 0.5 ? 'crm' : 'siagh', n: pick(r, known) });
    } else if (roll < 0.28 || (roll < 0.31 && quotes === 0)) {
      // A quote for a customer just created waits for the customer's link first.
      const n = r() < 0.3 ? pick(r, known.slice(-5)) : pick(r, known);
      ops.push({
        at,
        kind: 'quote',
        side: 'crm',
        q: quotes++,
        n,
        subject: `پیش فاکتور ${word(r)}`,
        ...withFault(quoteLines(r)),
      });
    } else if (roll < 0.31) {
      const q = Math.floor(r() * quotes);
      ops.push({ at, kind: 'quoteEdit', side: 'crm', q, ...withFault(quoteLines(r)) });
    } else {
      // Recently created customers are edited more often: they exercise create/edit races.
      const n = r() < 0.3 ? pick(r, known.slice(-10)) : pick(r, known);
      const field = pick(r, EDIT_FIELDS);
      if (r() < 0.33) {
        ops.push({ at, kind: 'edit', side: 'crm', n, field, value: valueOf(r, field, serial++), both: true });
        const later = at + r() * 1000;
        ops.push({
          at: later,
          kind: 'edit',
          side: 'siagh',
          n,
          field,
          value: valueOf(r, field, serial++),
          both: true,
        });
      } else {
        ops.push({
          at,
          kind: 'edit',
          side: r() < 0.5 ? 'crm' : 'siagh',
          n,
          field,
          value: valueOf(r, field, serial++),
        });
      }
    }
  }
  return ops.slice(0, o.ops).sort((a, b) => a.at - b.at);
}
