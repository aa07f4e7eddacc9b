import fc from 'fast-check';
import { matchesTerm, searchedFields } from './search';
import type { CrmIdentity } from './types';

// A search matches an identity when one of its searched fields contains the term. The simulator looks
// for the term in the fields joined into one string; that must never match across two fields.

const text = fc.string({ unit: fc.constantFrom('1', '0', '-', 'a', 'ب', '@', '\u0000', ' '), maxLength: 6 });
const field = fc.oneof(fc.constant(null), text);

const identity = fc
  .record({
    nickName: text,
    firstName: field,
    lastName: field,
    customerNumber: field,
    email: field,
    nationalCode: field,
    phones: fc.array(text, { maxLength: 3 }),
  })
  .map(
    (f) =>
      ({
        ...f,
        phoneContacts: f.phones.map((phoneNumber) => ({ default: false, phoneType: 'Mobile', phoneNumber })),
      }) as unknown as CrmIdentity,
  );

// The oracle: each field on its own.
const naive = (i: CrmIdentity, term: string) => searchedFields(i).some((f) => f?.includes(term));

describe('the CRM simulator search term', () => {
  it('matches exactly when one searched field contains the term', () => {
    fc.assert(
      fc.property(
        identity,
        fc.string({ unit: fc.constantFrom('1', '0', '-', 'a', '\u0000'), minLength: 1, maxLength: 4 }),
        (i, term) => {
          expect(matchesTerm(i, term)).toBe(naive(i, term));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('does not match a term that only spans the end of one field and the start of the next', () => {
    const i = { nickName: 'ab', firstName: 'cd', phoneContacts: [] } as unknown as CrmIdentity;
    expect(matchesTerm(i, 'bc')).toBe(false);
    expect(matchesTerm(i, 'cd')).toBe(true);
  });
});
