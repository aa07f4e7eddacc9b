import { isIranianMobile } from '@siaghsync/shared/normalize/phone';
import type { CrmSimulator } from '@siaghsync/simulators/crm/server';
import type { SiaghSimulator } from '@siaghsync/simulators/siagh/server';
import type { CrmIdentity, PhoneContact } from '@siaghsync/simulators/crm/types';
import type { SiaghContact } from '@siaghsync/simulators/siagh/types';
import type { EditField, Op, Side } from './generator';

// Runs the operations "as a user in the UI": straight on the simulators' stores, which fire the CRM's
// webhooks; Siagh has none, so only the poller sees its changes (as in production).

export interface WorkloadStats {
  applied: Record<Op['kind'], number>;
  /** The record was not (yet, or any more) on that side, or the simulator refused the change. */
  skipped: number;
  /** Customer numbers deleted on a side: the checker does not expect their counterpart. */
  deleted: { crm: Set<number>; siagh: Set<number> };
  /** `<n>:<field>` -> the sides that edited it and the last value applied (for the lost-update check). */
  edits: Map<string, { sides: Set<Side>; last: string; lastSide: Side }>;
  /** Quote number of the generator (`q`) -> CRM quote id. */
  quotes: Map<number, string>;
  /** CRM quote id -> the customer number it was made for (its identity may be deleted by the check). */
  quoteCustomer: Map<string, number>;
  /** CRM quote ids of which the load wrote a version with a fractional price on purpose. */
  fractionalPrice: Set<string>;
}

export function crmByNumber(crm: CrmSimulator, n: number): CrmIdentity | undefined {
  const no = `100-${n}`;
  for (const i of crm.store.identities.values()) if (i.customerNumber === no) return i;
  return undefined;
}

export function siaghByNumber(siagh: SiaghSimulator, n: number): SiaghContact | undefined {
  for (const c of siagh.store.contacts.values())
    if (!c.IsAdminUser && String(c.tmpid) === String(n)) return c;
  return undefined;
}

// The product's own test: seeded CRM numbers are written in Persian digits, which a /\d/ test misses
// (the edit then ADDED a second mobile, the mapping kept the first, and the checker saw a lost update).
const isMobile = (p: string) => isIranianMobile(p);

function crmPatch(i: CrmIdentity, field: EditField, value: string): Record<string, unknown> {
  const addr = () => {
    const list = i.addressContacts.length
      ? i.addressContacts.map((a) => ({ ...a }))
      : [{ default: true, country: null, state: null, city: null, address: null, zipCode: null }];
    const target = list.find((a) => a.default) ?? list[0]!;
    return { list, target };
  };
  switch (field) {
    case 'name':
      return { nickName: value };
    case 'email':
      return { email: value };
    case 'description':
      return { description: value };
    case 'mobile':
    case 'phone': {
      const keep = i.phoneContacts.filter((p) => isMobile(p.phoneNumber) !== (field === 'mobile'));
      const entry: PhoneContact = {
        default: keep.length === 0,
        phoneType: field === 'mobile' ? 'Mobile' : 'Phone',
        phoneNumber: value,
      };
      return { phoneContacts: [...keep, entry] };
    }
    case 'address':
    case 'postalCode': {
      const { list, target } = addr();
      if (field === 'address') target.address = value;
      else target.zipCode = value;
      return { addressContacts: list };
    }
  }
}

const SIAGH_FIELD: Record<EditField, keyof SiaghContact> = {
  name: 'Name',
  email: 'Email',
  mobile: 'MobileNo',
  phone: 'TelNo',
  address: 'Address',
  postalCode: 'PostalCode',
  description: 'Description',
};

export function newStats(): WorkloadStats {
  return {
    applied: { create: 0, edit: 0, delete: 0, quote: 0, quoteEdit: 0 },
    skipped: 0,
    deleted: { crm: new Set(), siagh: new Set() },
    edits: new Map(),
    quotes: new Map(),
    quoteCustomer: new Map(),
    fractionalPrice: new Set(),
  };
}

export function applyOp(op: Op, crm: CrmSimulator, siagh: SiaghSimulator, stats: WorkloadStats): void {
  const ok = () => {
    stats.applied[op.kind]++;
    if (op.kind !== 'edit') return;
    const key = `${op.n}:${op.field}`;
    const e = stats.edits.get(key) ?? { sides: new Set<Side>(), last: op.value, lastSide: op.side };
    e.sides.add(op.side);
    e.last = op.value;
    e.lastSide = op.side;
    stats.edits.set(key, e);
  };
  if (op.kind === 'quote' || op.kind === 'quoteEdit') return applyQuoteOp(op, crm, stats);
  if (op.kind === 'create') {
    const c = op.customer;
    if (op.side === 'crm') {
      const res = crm.store.create(c.kind === 'person' ? 1 : 2, {
        nickName: c.name,
        customerNumber: `100-${op.n}`,
        email: c.email,
        phoneContacts: [
          { default: true, phoneType: 'Mobile', phoneNumber: c.mobile },
          { default: false, phoneType: 'Phone', phoneNumber: c.phone },
        ],
        addressContacts: [
          {
            default: true,
            country: null,
            state: null,
            city: null,
            address: c.address,
            zipCode: c.postalCode,
          },
        ],
      });
      return res.ok ? ok() : void stats.skipped++;
    }
    siagh.store.createContact({
      tmpid: String(op.n),
      Name: c.name,
      Email: c.email,
      MobileNo: c.mobile,
      TelNo: c.phone,
      Address: c.address,
      PostalCode: c.postalCode,
      TowardType: c.kind === 'organization',
    });
    return ok();
  }
  if (op.side === 'crm') {
    const i = crmByNumber(crm, op.n);
    if (!i) return void stats.skipped++;
    if (op.kind === 'delete') {
      crm.store.delete(i.crmId);
      stats.deleted.crm.add(op.n);
      forgetEdits(stats, op.n, 'crm');
      return ok();
    }
    const res = crm.store.update(i.crmId, undefined, crmPatch(i, op.field, op.value));
    return res.ok ? ok() : void stats.skipped++;
  }
  const c = siaghByNumber(siagh, op.n);
  if (!c) return void stats.skipped++;
  if (op.kind === 'delete') {
    siagh.store.deleteContact(c.Code);
    stats.deleted.siagh.add(op.n);
    forgetEdits(stats, op.n, 'siagh');
    return ok();
  }
  siagh.store.updateContact(c.Code, { [SIAGH_FIELD[op.field]]: op.value });
  ok();
}

/**
 * Edits whose last value was made on a record that is now deleted died with it: nothing holds them any
 * more, and a counterpart created again later (from the other side) need not carry them. Seed 2045: a
 * Siagh email edit, then that contact deleted 2 s later while the syncer restarted after a kill -9; the
 * contact was created again from the CRM record and the checker called the deleted record's edit lost.
 */
export function forgetEdits(stats: WorkloadStats, n: number, side: Side): void {
  for (const [key, e] of stats.edits)
    if (key.startsWith(`${n}:`) && e.lastSide === side) stats.edits.delete(key);
}

/** Through the CRM's quote store, which fires the Quote webhooks as the CRM's UI would. */
function applyQuoteOp(
  op: Extract<Op, { kind: 'quote' | 'quoteEdit' }>,
  crm: CrmSimulator,
  stats: WorkloadStats,
): void {
  if (op.kind === 'quote') {
    const i = crmByNumber(crm, op.n);
    if (!i) return void stats.skipped++;
    const res = crm.store.quotes.create({
      identityId: i.crmId,
      subject: op.subject,
      crmObjectTypeCode: 'PI_5',
      vatPercent: 10,
      details: op.lines,
    });
    if (!res.ok) return void stats.skipped++;
    stats.quotes.set(op.q, res.value.crmId);
    stats.quoteCustomer.set(res.value.crmId, op.n);
    if (op.fault === 'fractional-price') stats.fractionalPrice.add(res.value.crmId);
    stats.applied.quote++;
    return;
  }
  const id = stats.quotes.get(op.q);
  const res = id === undefined ? null : crm.store.quotes.update(id, { details: op.lines });
  if (!res?.ok) return void stats.skipped++;
  if (op.fault === 'fractional-price') stats.fractionalPrice.add(res.value.crmId);
  stats.applied.quoteEdit++;
}
