import { z } from 'zod';
import { createRng, mixSeed, seededGuid } from '../common/rng';
import { formatIranLocal } from '../common/clock';
import { computeTotals } from '../crm/quoteStore';
import type { CrmIdentity, CrmQuote, QuoteDetail } from '../crm/types';
import type { SiaghContact } from '../siagh/types';
import { customerOf, spread7, type Customer } from './customer';
import { crmIdentityOf, siaghContactOf } from './render';
import { LAST_NAMES, PRODUCTS, STREETS } from './persian';

// Seeded datasets for both simulators. Same options, same data, byte for byte.
//
// Customer numbers: the CRM holds n = first .. first+customers-1. Siagh holds the first
// round(customers*overlap) of those (the overlap, linked by tmpid = n) plus Siagh-only
// customers numbered after the CRM range, so each side has `customers` records.

export const datasetOptionsSchema = z
  .object({
    seed: z.number().int().default(1),
    customers: z.number().int().nonnegative().default(100),
    /** Fraction of customers present on both sides (same customer number). */
    overlap: z.number().min(0).max(1).default(0),
    /** Fraction of overlapping pairs whose Siagh side differs in one real field. */
    divergentRate: z.number().min(0).max(1).default(0),
    /** Number of CRM quotes, spread over the CRM customers. */
    quotes: z.number().int().nonnegative().default(0),
    /** Fraction of those that are invoices (INV_5) rather than quotes (PI_5). */
    invoiceRate: z.number().min(0).max(1).default(0),
    organizationRate: z.number().min(0).max(1).default(0.2),
    /** Mix ی/ي letter forms and digit styles independently per side. */
    cosmeticVariation: z.boolean().default(true),
    firstCustomerNo: z.number().int().positive().default(1),
    firstSiaghCode: z.number().int().positive().default(1001),
  })
  .strict();

export type DatasetOptions = z.infer<typeof datasetOptionsSchema>;
export type DatasetOptionsInput = z.input<typeof datasetOptionsSchema>;

export type DivergentField = 'Email' | 'Address' | 'TelNo' | 'LastName';

export interface Divergence {
  customerNo: number;
  field: DivergentField;
  crm: string | null;
  siagh: string | null;
}

export interface Dataset {
  options: DatasetOptions;
  crm: { identities: CrmIdentity[]; quotes: CrmQuote[] };
  siagh: { contacts: SiaghContact[] };
  /** Customer numbers present on both sides. */
  overlapping: number[];
  divergences: Divergence[];
}

const DIVERGENT_FIELDS: DivergentField[] = ['Email', 'Address', 'TelNo', 'LastName'];

/** Makes one real (not cosmetic) difference on the Siagh side of a pair. */
function diverge(seed: number, c: Customer, s: SiaghContact, crm: CrmIdentity): Divergence {
  const rng = createRng(mixSeed(seed, c.n, 0xd1));
  const field = c.isOrg ? rng.pick(DIVERGENT_FIELDS.slice(0, 3)) : rng.pick(DIVERGENT_FIELDS);
  let crmValue: string | null;
  switch (field) {
    case 'Email':
      crmValue = crm.email;
      s.Email = `changed${c.n}@example.com`;
      break;
    case 'Address':
      crmValue = crm.addressContacts[0]?.address ?? null;
      s.Address = `${c.city.name}، میدان ${rng.pick(STREETS)}، پلاک ${rng.int(251, 400)}`;
      break;
    case 'TelNo':
      crmValue = crm.phoneContacts[1]?.phoneNumber ?? null;
      // A leading 8 keeps divergent numbers unique and distinct from every generated one.
      s.TelNo = c.city.areaCode + '8' + spread7(c.n, 7_654_321);
      break;
    case 'LastName': {
      crmValue = crm.lastName;
      const other = LAST_NAMES.filter((l) => l !== c.lastName);
      s.LastName = rng.pick(other);
      s.Name = `${c.firstName ?? ''} ${s.LastName}`;
      s.NickName = s.Name;
      break;
    }
  }
  return { customerNo: c.n, field, crm: crmValue, siagh: s[field] };
}

function quoteOf(seed: number, i: number, identities: CrmIdentity[], invoiceRate: number): CrmQuote {
  const rng = createRng(mixSeed(seed, i, 0x9e));
  const who = rng.pick(identities);
  const code = rng.chance(invoiceRate) ? 'INV_5' : 'PI_5';
  const vatPercent = 10;
  const details: QuoteDetail[] = Array.from({ length: rng.int(1, 4) }, () => {
    const p = rng.pick(PRODUCTS);
    const count = rng.int(1, 20);
    const price = rng.int(10, 5_000) * 1_000;
    const totalDiscount = rng.chance(0.2) ? Math.round((count * price) / 20) : 0;
    return {
      productCode: p.code,
      productId: seededGuid(rng),
      productName: p.name,
      productUnitTypeName: p.unit,
      count,
      baseUnitPrice: price,
      finalUnitPrice: price,
      totalDiscount,
      totalVat: Math.round(((count * price - totalDiscount) * vatPercent) / 100),
    };
  });
  const created = formatIranLocal(new Date(Date.UTC(2025, 2, 21) + rng.int(0, 365 * 86_400) * 1000));
  return {
    crmId: seededGuid(rng),
    crmObjectTypeCode: code,
    identityId: who.crmId,
    number: `${code.startsWith('INV') ? 'INV' : 'PI'}-${i + 1}`,
    subject: `پیش فاکتور ${who.nickName}`,
    description: null,
    vatPercent,
    tollPercent: 0,
    refId: null,
    extendedProperties: [],
    creatDate: created,
    modifyDate: created,
    details,
    ...computeTotals(details, 0, vatPercent, 0),
  };
}

export function generateDataset(input: DatasetOptionsInput = {}): Dataset {
  const o = datasetOptionsSchema.parse(input);
  const shared = Math.round(o.customers * o.overlap);
  const identities: CrmIdentity[] = [];
  const contacts: SiaghContact[] = [];
  const overlapping: number[] = [];
  const divergences: Divergence[] = [];
  const pickDivergent = createRng(mixSeed(o.seed, 0xdd));

  for (let k = 0; k < o.customers; k++) {
    const n = o.firstCustomerNo + k;
    const c = customerOf(o.seed, n, o.organizationRate);
    const crm = crmIdentityOf(o.seed, c, o.cosmeticVariation);
    identities.push(crm);
    if (k < shared) {
      const s = siaghContactOf(
        o.seed,
        c,
        o.firstSiaghCode + contacts.length,
        contacts.length + 1,
        o.cosmeticVariation,
      );
      overlapping.push(n);
      if (pickDivergent.chance(o.divergentRate)) divergences.push(diverge(o.seed, c, s, crm));
      contacts.push(s);
    }
  }
  for (let k = shared; k < o.customers; k++) {
    const n = o.firstCustomerNo + o.customers + (k - shared);
    const c = customerOf(o.seed, n, o.organizationRate);
    contacts.push(
      siaghContactOf(o.seed, c, o.firstSiaghCode + contacts.length, contacts.length + 1, o.cosmeticVariation),
    );
  }
  const quotes =
    identities.length === 0
      ? []
      : Array.from({ length: o.quotes }, (_, i) => quoteOf(o.seed, i, identities, o.invoiceRate));
  return { options: o, crm: { identities, quotes }, siagh: { contacts }, overlapping, divergences };
}
