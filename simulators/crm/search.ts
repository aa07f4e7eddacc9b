import type { CrmIdentity } from './types';

// The list endpoints' searchTerm: an identity matches when any of its searched fields contains the term.
// The fields are joined once per stored object (an update stores a new object, so the cache never goes
// stale) and the term looked for in that one string: a search walks every identity, and building the
// field list anew for each of 150,000 identities made one search cost ~70 ms.

/** Never in a field the API stores, so a term without it cannot match across two fields. */
const SEP = '\u0000';
const texts = new WeakMap<CrmIdentity, string>();

/** The fields a search looks in. */
export function searchedFields(i: CrmIdentity): (string | null | undefined)[] {
  return [
    i.nickName,
    i.firstName,
    i.lastName,
    i.customerNumber,
    i.email,
    i.nationalCode,
    ...i.phoneContacts.map((p) => p.phoneNumber),
  ];
}

function searchText(i: CrmIdentity): string {
  let t = texts.get(i);
  if (t === undefined) {
    t = searchedFields(i)
      .filter((f): f is string => typeof f === 'string')
      .join(SEP);
    texts.set(i, t);
  }
  return t;
}

export function matchesTerm(i: CrmIdentity, term: string): boolean {
  if (term.includes(SEP)) return searchedFields(i).some((f) => f?.includes(term));
  return searchText(i).includes(term);
}
