// The reads bulk events share (freshness.ts says which may serve which event): Siagh's GetAll with an
// empty body (every contact, by Code and by customer number), the CRM's identity list (customer number
// -> ids; the list carries no content) and the records the import's own events carried, kept a while so
// that the counterpart of a pair just linked is not read again. The I/O edge of the syncer's reads.

import type { CrmClient } from '@siaghsync/shared/crm/client';
import { parseCustomerNumber, parseTmpid, type CustomerKind } from '@siaghsync/shared/mapping/canonical';
import type { SiaghClient } from '@siaghsync/shared/siagh/client';
import type { IdentitySimple } from '@siaghsync/shared/crm/schemas';
import type { SiaghContact } from '@siaghsync/shared/siagh/schemas';
import type { Side } from '@siaghsync/shared/mapping/syncConfig';
import { SharedRead, type Taken } from './sharedRead';
import { asLiveWork } from '@siaghsync/shared/http/callLimiter';

export interface SiaghContacts {
  byCode: Map<string, SiaghContact>;
  byNumber: Map<number, SiaghContact[]>;
}

export type CrmIndex = Map<number, { id: string; kind: CustomerKind }[]>;

export interface Remembered {
  raw: Record<string, unknown>;
  readAt: number;
  kind?: CustomerKind;
}

export interface BulkReadOptions {
  crm: CrmClient;
  siagh: SiaghClient;
  now: () => number;
  /** A list read is made at most this often (the rest of the rate limit is the writes'). */
  minIntervalMs: number;
  /** A list read older than this serves nobody (its records are too old to write against). */
  maxAgeMs: number;
  /** 0..1: the share of time each list's reads may take (sharedRead.ts): a slow list is read less often. */
  budget?: number;
  crmPageSize: number;
  /** Records kept from the events (each a CRM or Siagh record of an entity just handled). */
  keepRecords: number;
  /** Called for every API call a list read makes (one GetAll; each page of the CRM's list). */
  onListCall?: (side: Side) => void;
}

export class BulkReads {
  private readonly siaghList: SharedRead<SiaghContacts>;
  private readonly crmList: SharedRead<CrmIndex>;
  private readonly records = new Map<string, Remembered>();

  constructor(private readonly o: BulkReadOptions) {
    const shared = {
      now: o.now,
      minIntervalMs: o.minIntervalMs,
      maxAgeMs: o.maxAgeMs,
      ...(o.budget !== undefined && { budget: o.budget }),
    };
    // A list read goes ahead of the import's queued calls at the rate limiters, as a person's edit does:
    // every bulk event of every lane may be waiting on it, and its duration sets how soon the next may
    // begin (budget). Queued behind the import's creates at Siagh's 20 calls/s, a GetAll took seconds,
    // the next could begin only tens of seconds later, and every lane waited for it (no outcome at all
    // for 80 s of a 3,000-a-side import at the default limits).
    this.siaghList = new SharedRead({
      ...shared,
      load: () => asLiveWork(() => this.loadSiagh()),
    });
    this.crmList = new SharedRead({
      ...shared,
      load: () => asLiveWork(() => this.loadCrm()),
    });
  }

  /** Every Siagh contact, read at or after `need`. */
  siagh(need: number): Promise<Taken<SiaghContacts>> {
    return this.siaghList.atLeast(need);
  }

  /** Customer number -> CRM identities, listed at or after `need`. */
  crmIndex(need: number): Promise<Taken<CrmIndex>> {
    return this.crmList.atLeast(need);
  }

  remember(side: Side, id: string, r: Remembered): void {
    const key = `${side}:${id}`;
    this.records.delete(key);
    this.records.set(key, r);
    // Oldest out first: the cache serves the next events of entities handled a moment ago.
    while (this.records.size > this.o.keepRecords) this.records.delete(this.records.keys().next().value!);
  }

  /** A record an event carried or a read returned, if that read began at or after `need`. */
  recall(side: Side, id: string, need: number): Remembered | undefined {
    const r = this.records.get(`${side}:${id}`);
    return r && r.readAt >= need ? r : undefined;
  }

  /** Our write made what we hold of this record stale. */
  forgetRecord(side: Side, id: string): void {
    this.records.delete(`${side}:${id}`);
  }

  private async loadSiagh(): Promise<SiaghContacts> {
    this.o.onListCall?.('siagh');
    const all = await this.o.siagh.getAllContacts();
    const byCode = new Map<string, SiaghContact>();
    const byNumber = new Map<number, SiaghContact[]>();
    for (const c of all) {
      byCode.set(String(c.Code), c);
      const n = parseTmpid((c as Record<string, unknown>).tmpid);
      if (n !== null) byNumber.set(n, [...(byNumber.get(n) ?? []), c]);
    }
    return { byCode, byNumber };
  }

  private async loadCrm(): Promise<CrmIndex> {
    const index: CrmIndex = new Map();
    const pageSize = this.o.crmPageSize;
    for (const [identityType, kind] of [
      [1, 'person'],
      [2, 'organization'],
    ] as const) {
      for (let pageNumber = 0; ; pageNumber++) {
        this.o.onListCall?.('crm');
        const page = await this.o.crm.listIdentities({ identityType, pageSize, pageNumber });
        this.addPage(index, page, kind);
        if (page.length < pageSize) break;
      }
    }
    return index;
  }

  private addPage(index: CrmIndex, page: IdentitySimple[], kind: CustomerKind): void {
    for (const i of page) {
      const n = parseCustomerNumber(
        i.customerNo === null || i.customerNo === undefined ? null : String(i.customerNo),
      );
      if (n === null) continue;
      index.set(n, [...(index.get(n) ?? []), { id: String(i.identityId), kind }]);
    }
  }
}
