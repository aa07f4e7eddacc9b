import { randomUUID } from 'node:crypto';
import type { SimClock } from '../common/clock';
import { formatIranLocal } from '../common/clock';
import type { IdentityInput, ListInput } from './schemas';
import type { ChangeNotice, CrmIdentity, CrmSubtypes, ExtendedProperty, IdentityType } from './types';
import { QuoteStore } from './quoteStore';
import { changedKeys, WriteJournal } from '../common/journal';
import { ListOrder } from './listOrder';
import { matchesTerm } from './search';

// In-memory CRM. Every mutation, whoever makes it (API client, simulated UI user), is announced
// through onChange: the real CRM notifies its webhooks for its own API's writes too.

export type Result<T> = { ok: true; value: T } | { ok: false; message: string };

const CUSTOMER_NO = /^100-(\d+)$/;
const NOT_FOUND = 'رکورد مورد نظر یافت نشد.';
/** Set by the CRM on every write: not something a caller wrote. */
const STAMPS = ['creatDate', 'modifyDate'];

export function mergeExtended(
  old: ExtendedProperty[],
  incoming: ExtendedProperty[] | undefined,
): ExtendedProperty[] {
  if (!incoming) return old;
  // Custom fields are upserted per key: a client sending one key must not wipe the others.
  const out = old.map((p) => ({ ...p }));
  for (const p of incoming) {
    const i = out.findIndex((o) => o.userKey === p.userKey);
    if (i >= 0) out[i] = { ...p };
    else out.push({ ...p });
  }
  return out;
}

export class CrmStore {
  readonly identities = new Map<string, CrmIdentity>();
  private readonly order = new ListOrder(this.identities);
  private readonly byCustomerNo = new Map<string, string>();
  private maxCustomerNo = 0;
  readonly quotes: QuoteStore;
  readonly journal = new WriteJournal();
  private listeners: Array<(n: ChangeNotice) => void> = [];

  constructor(
    readonly clock: SimClock,
    readonly subtypes: CrmSubtypes,
  ) {
    this.quotes = new QuoteStore(this, (n) => this.emit(n));
  }

  onChange(fn: (n: ChangeNotice) => void): void {
    this.listeners.push(fn);
  }

  emit(n: ChangeNotice): void {
    for (const l of this.listeners) l(n);
  }

  now(): string {
    return formatIranLocal(this.clock.now());
  }

  subtypeOf(i: CrmIdentity): string {
    return i.identityType === 1 ? this.subtypes.person : this.subtypes.organization;
  }

  private notify(event: ChangeNotice['event'], i: CrmIdentity): void {
    this.emit({ event, id: i.crmId, type: 'Identity', subtype: this.subtypeOf(i) });
  }

  private trackCustomerNo(no: string | null, id: string): void {
    if (!no) return;
    this.byCustomerNo.set(no, id);
    const m = CUSTOMER_NO.exec(no);
    if (m?.[1]) this.maxCustomerNo = Math.max(this.maxCustomerNo, Number(m[1]));
  }

  private duplicateCustomerNo(no: string | null | undefined, selfId?: string): boolean {
    if (!no) return false;
    const owner = this.byCustomerNo.get(no);
    return owner !== undefined && owner !== selfId;
  }

  /** Seeding: stores records as they are, without webhooks (the CRM existed before we subscribed). */
  load(identities: CrmIdentity[]): void {
    for (const i of identities) {
      const known = this.identities.has(i.crmId);
      this.identities.set(i.crmId, structuredClone(i));
      if (!known) this.order.added(i);
      this.trackCustomerNo(i.customerNumber, i.crmId);
      this.journal.record({
        origin: 'seed',
        op: 'create',
        customerNo: i.customerNumber,
        recordId: i.crmId,
        outcome: 'ok',
        fields: {},
        changed: [],
      });
    }
  }

  create(type: IdentityType, input: IdentityInput, notify = true): Result<CrmIdentity> {
    const refuse = (message: string): Result<CrmIdentity> => {
      this.journal.record({
        op: 'create',
        customerNo: input.customerNumber ?? null,
        recordId: null,
        outcome: 'refused',
        reason: message,
        fields: structuredClone(input),
        changed: [],
      });
      return { ok: false, message };
    };
    if (this.duplicateCustomerNo(input.customerNumber)) {
      return refuse(`شماره مشتری ${input.customerNumber} تکراری است.`);
    }
    const nickName =
      input.nickName?.trim() ||
      (type === 1 ? [input.firstName, input.lastName].filter(Boolean).join(' ').trim() : '');
    if (!nickName) return refuse('نام نمایشی (nickName) الزامی است.');
    const now = this.now();
    const customerNumber = input.customerNumber || `100-${this.maxCustomerNo + 1}`;
    const i: CrmIdentity = {
      crmId: randomUUID(),
      identityType: type,
      crmObjectTypeCode: type === 1 ? 'Person' : 'Organization',
      nickName,
      firstName: type === 1 ? (input.firstName ?? null) : null,
      lastName: type === 1 ? (input.lastName ?? null) : null,
      email: input.email ?? null,
      alternativeEmail: input.alternativeEmail ?? null,
      website: input.website ?? null,
      phoneContacts: input.phoneContacts ?? [],
      addressContacts: input.addressContacts ?? [],
      nationalCode: input.nationalCode ?? null,
      economicCode: input.economicCode ?? null,
      registerNumber: type === 2 ? (input.registerNumber ?? null) : null,
      customerNumber,
      customerDate: input.customerDate ?? now,
      businessType: type === 2 ? (input.businessType ?? null) : null,
      description: input.description ?? null,
      refId: input.refId ?? null,
      extendedProperties: mergeExtended([], input.extendedProperties),
      tags: input.tags ?? [],
      categories: input.categories ?? [],
      birthDate: type === 1 ? (input.birthDate ?? null) : null,
      gender: type === 1 ? (input.gender ?? null) : null,
      organizations: type === 1 ? (input.organizations ?? []) : [],
      registerDate: type === 2 ? (input.registerDate ?? null) : null,
      employees: type === 2 ? (input.employees ?? []) : [],
      managerId: type === 2 ? (input.managerId ?? null) : null,
      creatDate: now,
      modifyDate: now,
    };
    this.identities.set(i.crmId, i);
    this.order.added(i);
    this.trackCustomerNo(customerNumber, i.crmId);
    this.journal.record({
      op: 'create',
      customerNo: customerNumber,
      recordId: i.crmId,
      outcome: 'ok',
      fields: structuredClone(input),
      changed: changedKeys(undefined, i, STAMPS),
    });
    if (notify) this.notify('Insert', i);
    return { ok: true, value: i };
  }

  /** Partial update: absent properties keep their value; arrays sent replace the stored ones. */
  update(id: string, type: IdentityType | undefined, input: IdentityInput): Result<CrmIdentity> {
    const old = this.identities.get(id);
    const refuse = (message: string): Result<CrmIdentity> => {
      this.journal.record({
        op: 'update',
        customerNo: old?.customerNumber ?? input.customerNumber ?? null,
        recordId: id,
        outcome: 'refused',
        reason: message,
        fields: structuredClone(input),
        changed: [],
      });
      return { ok: false, message };
    };
    if (!old || (type !== undefined && old.identityType !== type)) return refuse(NOT_FOUND);
    if (this.duplicateCustomerNo(input.customerNumber, id)) {
      return refuse(`شماره مشتری ${input.customerNumber} تکراری است.`);
    }
    const next: CrmIdentity = { ...old };
    for (const [k, v] of Object.entries(input) as Array<[keyof IdentityInput, unknown]>) {
      if (v === undefined || k === 'extendedProperties') continue;
      (next as unknown as Record<string, unknown>)[k] = v;
    }
    next.extendedProperties = mergeExtended(old.extendedProperties, input.extendedProperties);
    if (!next.nickName?.trim()) next.nickName = old.nickName;
    next.modifyDate = this.now();
    if (old.customerNumber !== next.customerNumber) {
      if (old.customerNumber) this.byCustomerNo.delete(old.customerNumber);
      this.trackCustomerNo(next.customerNumber, id);
    }
    this.identities.set(id, next);
    this.journal.record({
      op: 'update',
      customerNo: next.customerNumber,
      recordId: id,
      outcome: 'ok',
      fields: structuredClone(input),
      changed: changedKeys(old, next, STAMPS),
    });
    this.notify('Update', next);
    return { ok: true, value: next };
  }

  delete(id: string, type?: IdentityType): Result<CrmIdentity> {
    const old = this.identities.get(id);
    const ok = !!old && (type === undefined || old.identityType === type);
    this.journal.record({
      op: 'delete',
      customerNo: old?.customerNumber ?? null,
      recordId: id,
      outcome: ok ? 'ok' : 'refused',
      ...(ok ? {} : { reason: NOT_FOUND }),
      fields: {},
      changed: [],
    });
    if (!old || !ok) return { ok: false, message: NOT_FOUND };
    this.identities.delete(id);
    this.order.removed();
    if (old.customerNumber) this.byCustomerNo.delete(old.customerNumber);
    this.notify('Delete', old);
    return { ok: true, value: old };
  }

  get(id: string): CrmIdentity | undefined {
    return this.identities.get(id);
  }

  /**
   * Insertion order, filtered, then the 0-based page. No pageSize means everything. Without a search
   * term a page is a slice of the insertion order (listOrder.ts); a search walks every identity (search.ts).
   */
  list(q: ListInput): CrmIdentity[] {
    const term = q.searchTerm?.trim();
    const skip = q.pageSize === undefined ? 0 : (q.pageNumber ?? 0) * q.pageSize;
    const take = q.pageSize ?? Infinity;
    if (!term) return this.order.page(q.identityType ?? undefined, skip, take);
    const matches = (i: CrmIdentity) =>
      (q.identityType == null || i.identityType === q.identityType) && matchesTerm(i, term);
    const out: CrmIdentity[] = [];
    let seen = 0;
    for (const i of this.identities.values()) {
      if (out.length >= take) break;
      if (!matches(i)) continue;
      if (seen++ >= skip) out.push(i);
    }
    return out;
  }

  dump(): { identities: CrmIdentity[] } {
    return { identities: [...this.identities.values()] };
  }

  clear(): void {
    this.identities.clear();
    this.order.removed();
    this.journal.reset();
    this.byCustomerNo.clear();
    this.maxCustomerNo = 0;
    this.quotes.clear();
  }
}
