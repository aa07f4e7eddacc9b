import type { CrmIdentity, IdentityType } from './types';

/**
 * The identities' insertion order (the order the list endpoints page in), kept as arrays per identity
 * type so a page is a slice: walking the map from its start for every page made a full pass over
 * 150,000 identities in pages of 100 cost 1,500 walks of up to 150,000 entries each.
 * Appends are cheap; a removal marks the arrays stale and the next page rebuilds them from the map once.
 */
export class ListOrder {
  private all: string[] = [];
  private readonly byType: Record<IdentityType, string[]> = { 1: [], 2: [] };
  private stale = false;

  constructor(private readonly identities: ReadonlyMap<string, CrmIdentity>) {}

  /** A new id (one the map did not hold before) was stored. */
  added(i: CrmIdentity): void {
    if (this.stale) return;
    this.all.push(i.crmId);
    this.byType[i.identityType].push(i.crmId);
  }

  /** An id left the map (deleted or cleared). */
  removed(): void {
    this.stale = true;
  }

  /** The identities at positions [skip, skip + take) of those of `type` (every type when undefined). */
  page(type: IdentityType | undefined, skip: number, take: number): CrmIdentity[] {
    if (this.stale) this.rebuild();
    const ids = type === undefined ? this.all : this.byType[type];
    const out: CrmIdentity[] = [];
    for (let k = skip; k < ids.length && out.length < take; k++) {
      const i = this.identities.get(ids[k]!);
      if (i) out.push(i);
    }
    return out;
  }

  private rebuild(): void {
    this.all = [];
    this.byType[1] = [];
    this.byType[2] = [];
    this.stale = false;
    for (const i of this.identities.values()) this.added(i);
  }
}
