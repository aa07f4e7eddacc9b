import { permanent } from '@siaghsync/shared/errors';

// Money on a pre-invoice is integer rials. The rounding rule (also in ./README.md):
//   line gross  = roundHalfUp(count × baseUnitPrice)        (count may be fractional: 1.5 kg)
//   line net    = gross − totalDiscount                       (what Siagh computes as Mablagh)
//   line VAT    = roundHalfUp(net × vatPercent / 100)
//   header      = Σ line net  must equal  totalValue − discount
//   header VAT  = Σ line VAT  must equal  vat, within ⌊(lines + 1) / 2⌋ rials
// The CRM rounds VAT once on the header and once per line, so the two can drift by half a rial per
// line plus half a rial for the header: that, and only that, is tolerated. A header-level discount not
// spread over the lines cannot be carried by Siagh's rows (they hold the only discounts), so it
// disagrees with the line sums and the quote is refused rather than sent with a different total.

export interface MoneyLine {
  count: number;
  baseUnitPrice: number;
  totalDiscount?: number | undefined;
  totalVat?: number | undefined;
}

export interface MoneyQuote {
  crmId: string;
  details: MoneyLine[];
  totalValue?: number | undefined;
  discount?: number | undefined;
  vat?: number | undefined;
  vatPercent?: number | undefined;
}

export interface LineAmounts {
  gross: number;
  net: number;
  vat: number;
}

export interface Totals {
  lines: LineAmounts[];
  net: number;
  vat: number;
}

/** Half away from zero, with a guard against binary-float noise (0.1 × 3 = 0.30000000000000004). */
export function roundHalfUp(x: number): number {
  const r = Math.floor(Math.abs(x) + 0.5 + 1e-9);
  return x < 0 ? -r : r;
}

export function lineAmounts(line: MoneyLine, vatPercent: number): LineAmounts {
  const gross = roundHalfUp(line.count * line.baseUnitPrice);
  const net = gross - (line.totalDiscount ?? 0);
  return { gross, net, vat: roundHalfUp((net * vatPercent) / 100) };
}

export function totalsOf(quote: MoneyQuote): Totals {
  const vatPercent = quote.vatPercent ?? 0;
  const lines = quote.details.map((l) => lineAmounts(l, vatPercent));
  return {
    lines,
    net: lines.reduce((s, l) => s + l.net, 0),
    vat: lines.reduce((s, l) => s + l.vat, 0),
  };
}

export const vatTolerance = (lineCount: number): number => Math.floor((lineCount + 1) / 2);

/**
 * Throws the permanent PREINVOICE_AMOUNT_NOT_INTEGER / PREINVOICE_TOTALS_MISMATCH when the quote's
 * amounts break the rule above; returns the line amounts otherwise.
 */
export function checkTotals(quote: MoneyQuote): Totals {
  quote.details.forEach((l, i) => {
    for (const [name, v] of [
      ['baseUnitPrice', l.baseUnitPrice],
      ['totalDiscount', l.totalDiscount ?? 0],
    ] as const) {
      if (!Number.isInteger(v)) {
        throw permanent(
          'PREINVOICE_AMOUNT_NOT_INTEGER',
          `quote ${quote.crmId} line ${i + 1}: ${name} ${v} is not a whole number of rials`,
          {
            details: { quoteId: quote.crmId, line: i + 1, field: name, value: v },
          },
        );
      }
    }
  });
  const totals = totalsOf(quote);
  const mismatch = (what: string, expected: number, actual: number, tolerance: number) =>
    permanent(
      'PREINVOICE_TOTALS_MISMATCH',
      `quote ${quote.crmId}: ${what} is ${actual} but the lines give ${expected} (tolerance ${tolerance} rials)`,
      { details: { quoteId: quote.crmId, what, expected, actual, tolerance } },
    );
  if (quote.totalValue !== undefined) {
    const headerNet = quote.totalValue - (quote.discount ?? 0);
    if (Math.abs(headerNet - totals.net) > 0.5 * fractionalLines(quote)) {
      throw mismatch('totalValue − discount', totals.net, headerNet, 0.5 * fractionalLines(quote));
    }
  }
  if (quote.vat !== undefined && Math.abs(quote.vat - totals.vat) > vatTolerance(quote.details.length)) {
    throw mismatch('vat', totals.vat, quote.vat, vatTolerance(quote.details.length));
  }
  quote.details.forEach((l, i) => {
    // ±1: the CRM rounds half toward +∞, we round half away from zero; they differ on negative halves.
    if (l.totalVat !== undefined && Math.abs(l.totalVat - totals.lines[i]!.vat) > 1) {
      throw mismatch(`line ${i + 1} totalVat`, totals.lines[i]!.vat, l.totalVat, 1);
    }
  });
  return totals;
}

/** Lines whose count is fractional: each may round its gross by up to half a rial. */
const fractionalLines = (quote: MoneyQuote): number =>
  quote.details.filter((l) => !Number.isInteger(l.count * l.baseUnitPrice)).length;
