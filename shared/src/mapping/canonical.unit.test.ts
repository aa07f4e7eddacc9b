import fc from 'fast-check';
import { SyncError } from '../errors';
import {
  canonicalChecksum,
  canonicalKeyFor,
  emptyCustomer,
  formatCustomerNumber,
  normalizeCustomer,
  parseCustomerNumber,
  parseTmpid,
  stableStringify,
  type CanonicalCustomer,
} from './canonical';

function thrownCode(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return e instanceof SyncError ? e.code : 'NOT_A_SYNC_ERROR';
  }
  return undefined;
}

const base: CanonicalCustomer = {
  ...emptyCustomer('person'),
  customerNumber: 1231,
  name: 'علی کریمی',
  firstName: 'علی',
  lastName: 'کریمی',
  mobile: '09121234567',
  email: 'ali@example.com',
  nationalCode: '0499370899',
};

describe('customer numbers', () => {
  it('parses and formats 100-<n>', () => {
    expect(parseCustomerNumber('100-1231')).toBe(1231);
    expect(parseCustomerNumber(' ۱۰۰-۱۲۳۱ ')).toBe(1231);
    expect(parseCustomerNumber('200-1231')).toBeNull();
    expect(parseCustomerNumber('100-')).toBeNull();
    expect(parseCustomerNumber(null)).toBeNull();
    expect(formatCustomerNumber(1231)).toBe('100-1231');
    expect(canonicalKeyFor(1231)).toBe('customer:1231');
  });

  it('reads Siagh tmpid as a number or a string', () => {
    expect(parseTmpid(1231)).toBe(1231);
    expect(parseTmpid('۱۲۳۱')).toBe(1231);
    expect(parseTmpid('')).toBeNull();
    expect(parseTmpid(null)).toBeNull();
  });

  it('refuses to format something that is not a customer number', () => {
    expect(thrownCode(() => formatCustomerNumber(-1))).toBe('INVALID_CUSTOMER_NUMBER');
    expect(thrownCode(() => canonicalKeyFor(1.5))).toBe('INVALID_CUSTOMER_NUMBER');
  });

  it('round-trips every n', () => {
    fc.assert(fc.property(fc.nat(), (n) => parseCustomerNumber(formatCustomerNumber(n)) === n));
  });
});

describe('canonicalChecksum', () => {
  it('ignores cosmetic differences', () => {
    const cosmetic: CanonicalCustomer = {
      ...base,
      name: '  علي   كريمي ',
      mobile: '+98 912 123 4567',
      email: 'ALI@Example.com',
      nationalCode: '۰۴۹۹۳۷۰۸۹۹',
    };
    expect(canonicalChecksum(cosmetic)).toBe(canonicalChecksum(base));
  });

  it('sees a real change', () => {
    expect(canonicalChecksum({ ...base, mobile: '09121234568' })).not.toBe(canonicalChecksum(base));
    expect(canonicalChecksum({ ...base, active: false })).not.toBe(canonicalChecksum(base));
  });

  it('does not depend on key order', () => {
    const reversed = Object.fromEntries(Object.entries(base).reverse()) as unknown as CanonicalCustomer;
    expect(canonicalChecksum(reversed)).toBe(canonicalChecksum(base));
    expect(stableStringify({ b: 1, a: [{ d: 1, c: 2 }] })).toBe('{"a":[{"c":2,"d":1}],"b":1}');
  });

  it('only counts the given fields', () => {
    expect(canonicalChecksum({ ...base, firstName: 'x' }, ['name', 'mobile'])).toBe(
      canonicalChecksum(base, ['name', 'mobile']),
    );
    expect(canonicalChecksum(base)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('normalizeCustomer is idempotent', () => {
    const text = fc.string({ maxLength: 20 });
    const customer = fc.record({
      name: text,
      mobile: text,
      phone: text,
      email: text,
      nationalCode: text,
      address: text,
      postalCode: text,
    });
    fc.assert(
      fc.property(customer, (fields) => {
        const once = normalizeCustomer({ ...base, ...fields });
        return stableStringify(normalizeCustomer(once)) === stableStringify(once);
      }),
    );
  });
});
