import type { SimClock } from '../common/clock';
import { formatJalali, jalaliOf } from '../common/clock';
import type { PreInvoice, SiaghContact } from './types';
import { changedKeys, WriteJournal } from '../common/journal';

// In-memory Siagh. No modification times anywhere: Siagh has none, which is why the poller diffs.

type PhoneField = 'MobileNo' | 'TelNo';
const NOT_FOUND = 'رکورد مورد نظر یافت نشد.';

const tmpidOf = (c: Partial<SiaghContact>): string | null =>
  c.tmpid === null || c.tmpid === undefined ? null : String(c.tmpid);
const PHONE_FIELDS: PhoneField[] = ['MobileNo', 'TelNo'];

export type ContactFields = Partial<Omit<SiaghContact, 'RecordId' | 'Code'>>;

export class SiaghStore {
  readonly contacts = new Map<number, SiaghContact>();
  readonly preInvoices = new Map<number, PreInvoice>();
  readonly journal = new WriteJournal();
  /** Phone value -> codes holding it, per field (duplicate checks on 100k contacts). */
  private readonly phones: Record<PhoneField, Map<string, Set<number>>> = {
    MobileNo: new Map(),
    TelNo: new Map(),
  };
  /** tmpid as GetAll compares it (String, lower case) -> codes: a look-up by customer number need not scan. */
  private readonly tmpids = new Map<string, Set<number>>();
  private readonly createdMs = new Map<number, number>();
  private nextCode: number;
  private nextRecordId = 1;
  private nextDocNo: number;
  private nextSanadId = 1;

  constructor(
    readonly clock: SimClock,
    private readonly firstCode = 1001,
    private readonly firstDocNo = 1,
  ) {
    this.nextCode = firstCode;
    this.nextDocNo = firstDocNo;
  }

  fiscalYear(): number {
    // The Jalali year starts at Nowruz, exactly when Siagh's fiscal year does.
    return jalaliOf(this.clock.now()).jy;
  }

  systemDate(): string {
    return formatJalali(this.clock.now());
  }

  private index(c: SiaghContact, add: boolean): void {
    const t = tmpidOf(c)?.toLowerCase();
    if (t !== undefined) {
      let codes = this.tmpids.get(t);
      if (add) {
        if (!codes) this.tmpids.set(t, (codes = new Set()));
        codes.add(c.Code);
      } else {
        codes?.delete(c.Code);
        if (codes?.size === 0) this.tmpids.delete(t);
      }
    }
    for (const f of PHONE_FIELDS) {
      const v = c[f];
      if (!v) continue;
      let set = this.phones[f].get(v);
      if (add) {
        if (!set) this.phones[f].set(v, (set = new Set()));
        set.add(c.Code);
      } else {
        set?.delete(c.Code);
        if (set?.size === 0) this.phones[f].delete(v);
      }
    }
  }

  /**
   * GetAll's rows for a filter, the same as `matchFilter` over every contact: a filter naming a Code or
   * a tmpid starts from the contacts holding that value (as the real server's indexes would) and the
   * whole filter is applied to them, in table order; any other filter scans the table.
   */
  findContacts(filter: Record<string, unknown>): SiaghContact[] {
    const sample = this.contacts.values().next().value;
    if (sample === undefined) return [];
    const conds = filterConditions(sample, filter);
    if (conds === null) return [...this.contacts.values()];
    const test = testOf(conds);
    // The value GetAll compares a column with, when the filter names it (never an unknown column).
    const given = (column: keyof SiaghContact) => conds.find((c) => c.real === column)?.want;
    const code = given('Code');
    const tmpid = given('tmpid');
    let rows: Iterable<SiaghContact> = this.contacts.values();
    if (code !== undefined) {
      // A miss is rare (a deleted contact) and scanned: a seeded Code that is not a number is found too.
      const c = /^(0|[1-9]\d*)$/.test(code) ? this.contacts.get(Number(code)) : undefined;
      if (c) rows = [c];
    } else if (tmpid !== undefined) {
      const codes = this.tmpids.get(tmpid) ?? new Set<number>();
      // Table order (the Map's insertion order), as a scan returns them.
      // A contact taken out of the map behind the store's back (a test) is simply not there.
      rows =
        codes.size <= 1 ? [...codes].flatMap((k) => this.contacts.get(k) ?? []) : [...this.contacts.values()];
    }
    return [...rows].filter(test);
  }

  /** The first phone field of `c` already used by another contact (exact string comparison). */
  duplicatePhone(c: Pick<SiaghContact, PhoneField>, selfCode?: number): PhoneField | undefined {
    return PHONE_FIELDS.find((f) => {
      const v = c[f];
      if (!v) return false;
      const owners = this.phones[f].get(v);
      return owners !== undefined && [...owners].some((code) => code !== selfCode);
    });
  }

  /** Seeding: as is, no validation (real data contains what it contains). */
  load(contacts: SiaghContact[]): void {
    for (const c of contacts) {
      const copy = { ...c };
      const replaced = this.contacts.get(copy.Code);
      if (replaced) this.index(replaced, false);
      this.contacts.set(copy.Code, copy);
      this.index(copy, true);
      this.nextCode = Math.max(this.nextCode, copy.Code + 1);
      this.nextRecordId = Math.max(this.nextRecordId, copy.RecordId + 1);
      this.journal.record({
        origin: 'seed',
        op: 'create',
        customerNo: tmpidOf(copy),
        recordId: String(copy.Code),
        outcome: 'ok',
        fields: {},
        changed: [],
      });
    }
  }

  createContact(fields: ContactFields): SiaghContact {
    const c: SiaghContact = {
      RecordId: this.nextRecordId++,
      Code: this.nextCode++,
      tmpid: null,
      Name: '',
      NickName: null,
      FirstName: null,
      LastName: null,
      NationalCode: null,
      EconomicCode: null,
      RegisterNo: null,
      MobileNo: null,
      TelNo: null,
      Fax: null,
      Email: null,
      Address: null,
      PostalCode: null,
      CityCode: null,
      CountryCode: 1,
      Description: null,
      IsActive: true,
      IsAdminUser: false,
      TowardType: false,
      BranchCode: 1,
      ...fields,
    };
    this.contacts.set(c.Code, c);
    this.index(c, true);
    this.journal.record({
      op: 'create',
      customerNo: tmpidOf(c),
      recordId: String(c.Code),
      outcome: 'ok',
      fields: { ...fields },
      changed: changedKeys(undefined, c),
    });
    return c;
  }

  updateContact(code: number, fields: ContactFields): SiaghContact | undefined {
    const old = this.contacts.get(code);
    if (!old) {
      this.refused('update', code, fields, null, NOT_FOUND);
      return undefined;
    }
    this.index(old, false);
    const next = { ...old, ...fields };
    this.contacts.set(code, next);
    this.index(next, true);
    this.journal.record({
      op: 'update',
      customerNo: tmpidOf(next),
      recordId: String(code),
      outcome: 'ok',
      fields: { ...fields },
      changed: changedKeys(old, next),
    });
    return next;
  }

  /** A write the form refused: journaled here so every refusal has the same shape. */
  refused(
    op: 'create' | 'update',
    code: number | undefined,
    fields: ContactFields,
    customerNo: string | null,
    reason: string,
  ): void {
    this.journal.record({
      op,
      customerNo,
      recordId: code === undefined ? null : String(code),
      outcome: 'refused',
      reason,
      fields: { ...fields },
      changed: [],
    });
  }

  deleteContact(code: number): SiaghContact | undefined {
    const old = this.contacts.get(code);
    this.journal.record({
      op: 'delete',
      customerNo: old ? tmpidOf(old) : null,
      recordId: String(code),
      outcome: old ? 'ok' : 'refused',
      ...(old ? {} : { reason: NOT_FOUND }),
      fields: {},
      changed: [],
    });
    if (!old) return undefined;
    this.index(old, false);
    this.contacts.delete(code);
    return old;
  }

  createPreInvoice(doc: Omit<PreInvoice, 'SanadId' | 'ShomareSanad' | 'Tarikh' | 'Finalized'>): PreInvoice {
    const p: PreInvoice = {
      ...doc,
      SanadId: this.nextSanadId++,
      ShomareSanad: this.nextDocNo++,
      Tarikh: this.systemDate(),
      Finalized: false,
    };
    this.preInvoices.set(p.ShomareSanad, p);
    this.createdMs.set(p.ShomareSanad, Date.now());
    return p;
  }

  updatePreInvoice(no: number, patch: Partial<PreInvoice>): PreInvoice | undefined {
    const old = this.preInvoices.get(no);
    if (!old) return undefined;
    const next = { ...old, ...patch, SanadId: old.SanadId, ShomareSanad: old.ShomareSanad };
    this.preInvoices.set(no, next);
    return next;
  }

  /** Age of a document in test-process time (auto-finalization). */
  ageMs(no: number): number {
    return Date.now() - (this.createdMs.get(no) ?? Date.now());
  }

  deletePreInvoice(no: number): boolean {
    this.createdMs.delete(no);
    return this.preInvoices.delete(no);
  }

  dump(): { contacts: SiaghContact[]; preInvoices: PreInvoice[] } {
    return { contacts: [...this.contacts.values()], preInvoices: [...this.preInvoices.values()] };
  }

  clear(): void {
    this.contacts.clear();
    this.journal.reset();
    this.preInvoices.clear();
    this.createdMs.clear();
    this.tmpids.clear();
    this.phones.MobileNo.clear();
    this.phones.TelNo.clear();
    this.nextCode = this.firstCode;
    this.nextRecordId = 1;
    this.nextDocNo = this.firstDocNo;
    this.nextSanadId = 1;
  }
}

/**
 * Exact-match filter as GetAll applies it: property names case-insensitive (ASP.NET binding),
 * null/empty filter values ignored, unknown properties ignored.
 */
export function matchFilter<T extends object>(
  rows: T[],
  filter: Record<string, unknown>,
  contains: string[] = [],
): T[] {
  const sample = rows[0];
  if (sample === undefined) return [];
  const conds = filterConditions(sample, filter, contains);
  return conds === null ? rows : rows.filter(testOf(conds));
}

interface Condition {
  real: string;
  want: string;
  contains: boolean;
}

/** The filter's conditions on the columns `sample` has; null when no filter value is given. */
function filterConditions(
  sample: object,
  filter: Record<string, unknown>,
  contains: string[] = [],
): Condition[] | null {
  const active = Object.entries(filter).filter(([, v]) => v !== null && v !== undefined && v !== '');
  if (active.length === 0) return null;
  const keys = new Map(Object.keys(sample).map((k) => [k.toLowerCase(), k]));
  return active.flatMap(([k, v]) => {
    const real = keys.get(k.toLowerCase());
    return real ? [{ real, want: String(v).toLowerCase(), contains: contains.includes(real) }] : [];
  });
}

/** A row passes when every condition holds (exact, or `contains` for the columns named so). */
const testOf =
  (conds: Condition[]) =>
  <T extends object>(r: T): boolean => {
    const rec = r as Record<string, unknown>;
    return conds.every(({ real, want, contains: like }) => {
      const have = rec[real];
      if (typeof have !== 'string' && typeof have !== 'number' && typeof have !== 'boolean') return false;
      const s = String(have).toLowerCase();
      return like ? s.includes(want) : s === want;
    });
  };
