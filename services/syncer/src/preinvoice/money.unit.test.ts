import fc from 'fast-check';
import type { SyncError } from '@siaghsync/shared/errors';
import { computeTotals } from '../../../../simulators/crm/quoteStore';
import { checkTotals, roundHalfUp, totalsOf, vatTolerance, type MoneyQuote } from './money';

// The amounts of generated quotes with many lines, totalled the way the CRM does (simulators/crm's
// computeTotals): our rounding rule accepts every consistent quote, the lines add up to the header, and
// any real disagreement is refused.

const line = fc.record({
  count: fc.oneof(
    fc.integer({ min: 1, max: 1_000 }),
    fc.integer({ min: 1, max: 10_000 }).map((n) => n / 4),
  ),
  baseUnitPrice: fc.integer({ min: 1, max: 500_000_000 }),
  discountShare: fc.double({ min: 0, max: 0.5, noNaN: true }),
});
const quoteArb = fc.record({
  lines: fc.array(line, { minLength: 1, maxLength: 120 }),
  vatPercent: fc.constantFrom(0, 9, 10),
});

type Generated = {
  lines: { count: number; baseUnitPrice: number; discountShare: number }[];
  vatPercent: number;
};

function crmQuote({ lines, vatPercent }: Generated): MoneyQuote {
  const details = lines.map((l) => {
    const gross = roundHalfUp(l.count * l.baseUnitPrice);
    const totalDiscount = Math.floor(gross * l.discountShare);
    return {
      count: l.count,
      baseUnitPrice: l.baseUnitPrice,
      finalUnitPrice: l.baseUnitPrice,
      totalDiscount,
      totalVat: Math.round(((l.count * l.baseUnitPrice - totalDiscount) * vatPercent) / 100),
      productCode: null,
      productId: null,
      productName: null,
      productUnitTypeName: null,
    };
  });
  const t = computeTotals(details, 0, vatPercent, 0);
  return { crmId: 'q', details, totalValue: t.totalValue, discount: t.discount, vat: t.vat, vatPercent };
}

const codeOf = (f: () => unknown): string | undefined => {
  try {
    f();
    return undefined;
  } catch (e) {
    return (e as SyncError).code;
  }
};

describe('pre-invoice amounts (property)', () => {
  it('every quote the CRM totals consistently passes, and the line sums equal the header within the rule', () => {
    fc.assert(
      fc.property(quoteArb, (g) => {
        const q = crmQuote(g);
        const t = checkTotals(q);
        const fractional = q.details.filter((l) => !Number.isInteger(l.count * l.baseUnitPrice)).length;
        expect(Math.abs(t.net - (q.totalValue! - q.discount!))).toBeLessThanOrEqual(0.5 * fractional);
        expect(Math.abs(t.vat - q.vat!)).toBeLessThanOrEqual(vatTolerance(q.details.length));
        for (const l of t.lines) {
          expect(Number.isInteger(l.net)).toBe(true);
          expect(Number.isInteger(l.vat)).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('integer quantities: Σ line net is exactly what Siagh computes (Σ qty × price − discount)', () => {
    fc.assert(
      fc.property(quoteArb, (g) => {
        const q = crmQuote({ ...g, lines: g.lines.map((l) => ({ ...l, count: Math.ceil(l.count) })) });
        const siaghTotal = q.details.reduce(
          (s, l) => s + l.count * l.baseUnitPrice - (l.totalDiscount ?? 0),
          0,
        );
        expect(totalsOf(q).net).toBe(siaghTotal);
      }),
      { numRuns: 200 },
    );
  });

  it('a header off by more than the tolerance, or a header discount not on the lines, is refused', () => {
    fc.assert(
      fc.property(quoteArb, fc.integer({ min: 1, max: 1_000_000 }), (g, off) => {
        const q = crmQuote(g);
        const t = totalsOf(q);
        // Measured from the lines' own sums, beyond the largest tolerance the rule allows.
        const beyond = Math.ceil(0.5 * q.details.length) + off;
        expect(codeOf(() => checkTotals({ ...q, totalValue: t.net + q.discount! + beyond }))).toBe(
          'PREINVOICE_TOTALS_MISMATCH',
        );
        expect(codeOf(() => checkTotals({ ...q, discount: q.totalValue! - t.net + beyond }))).toBe(
          'PREINVOICE_TOTALS_MISMATCH',
        );
        expect(codeOf(() => checkTotals({ ...q, vat: t.vat + vatTolerance(q.details.length) + off }))).toBe(
          'PREINVOICE_TOTALS_MISMATCH',
        );
      }),
      { numRuns: 200 },
    );
  });

  it('a unit price that is not whole rials is refused', () => {
    const q: MoneyQuote = { crmId: 'q', details: [{ count: 1, baseUnitPrice: 10.5 }] };
    expect(codeOf(() => checkTotals(q))).toBe('PREINVOICE_AMOUNT_NOT_INTEGER');
  });

  it('rounds half away from zero, immune to float noise', () => {
    expect(roundHalfUp(0.1 * 3 * 5)).toBe(2);
    expect(roundHalfUp(2.5)).toBe(3);
    expect(roundHalfUp(-2.5)).toBe(-3);
    expect(roundHalfUp(2.4999)).toBe(2);
  });
});
