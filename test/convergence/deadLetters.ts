import type { DeadLetter } from '@siaghsync/shared/events';
import type { WriteEntry } from '@siaghsync/simulators/common/journal';
import type { Finding } from './checker';
import { numberOf } from './creates';
import type { Side } from './generator';

// "Every dead letter explained": a dead letter passes only when the load caused it, with the cause its
// reason names. Anything else (a duplicate phone the load never made, a refusal nobody asked for) is a
// finding: a second create refused as a duplicate phone would otherwise pass as an ordinary dead letter.
//
// The causes the load makes:
//  - a quote the generator gave a fractional price on purpose -> PREINVOICE_AMOUNT_NOT_INTEGER;
//  - a quote whose customer a user deleted in the CRM before the failure -> PREINVOICE_CUSTOMER_MISSING;
//  - a quote whose customer a user deleted on either side before the failure (a CRM delete deactivates the
//    Siagh contact) -> SIAGH_FORM_REFUSED naming the customer ("مشتری با کد ...");
//  - a customer record a user deleted just before the pipeline's update of it reached the system: the
//    journal holds the user's delete of that record and, after it, the pipeline's refused write to it ->
//    SIAGH_NOT_FOUND / CRM_NOT_FOUND (a race of the load; seed 2 found one).

export interface DeadLetterWorld {
  /** Quote ids with a deliberately fractional price in some version the load wrote. */
  fractionalPrice: ReadonlySet<string>;
  /** Quote id -> the customer number it was made for. */
  quoteCustomer: ReadonlyMap<string, number>;
  journals: Record<Side, readonly WriteEntry[]>;
  /** Whether the quote as the CRM holds it now still has a fractional amount (false when it is gone). */
  stillFractional(quoteId: string): boolean;
}

export type DeadLetterCause = 'fractional-price' | 'customer-deleted';

const CUSTOMER_REFUSED = /مشتری با کد/;

function deletedBefore(w: DeadLetterWorld, sides: readonly Side[], n: number, t: number): boolean {
  return sides.some((side) =>
    w.journals[side].some(
      (e) =>
        e.op === 'delete' &&
        e.origin === 'ui' &&
        e.outcome === 'ok' &&
        e.timeMs <= t &&
        numberOf(side, e) === n,
    ),
  );
}

/** The load's cause of a dead letter, or null when the load did not cause it. */
export function causeOf(w: DeadLetterWorld, d: DeadLetter): DeadLetterCause | null {
  // No customer dead letter is the load's doing: a write to a record a person deleted meanwhile is
  // decided again by the syncer (SIAGH/CRM_CHANGED_BEFORE_WRITE), never dead-lettered.
  if (d.canonicalKey.startsWith('customer:')) return null;
  const quote = /^preinvoice:crm:(.+)$/.exec(d.canonicalKey)?.[1];
  if (quote === undefined) return null;
  const n = w.quoteCustomer.get(quote);
  switch (d.reasonCode) {
    case 'PREINVOICE_AMOUNT_NOT_INTEGER':
      return w.fractionalPrice.has(quote) ? 'fractional-price' : null;
    case 'PREINVOICE_CUSTOMER_MISSING':
      return n !== undefined && deletedBefore(w, ['crm'], n, d.lastFailedAt) ? 'customer-deleted' : null;
    case 'SIAGH_FORM_REFUSED':
      return n !== undefined &&
        CUSTOMER_REFUSED.test(d.sourceMessage ?? '') &&
        deletedBefore(w, ['crm', 'siagh'], n, d.lastFailedAt)
        ? 'customer-deleted'
        : null;
    default:
      return null;
  }
}

export function explainDeadLetters(
  w: DeadLetterWorld,
  deadLetters: readonly DeadLetter[],
): {
  findings: Finding[];
  explained: Record<DeadLetterCause, number>;
  unique: DeadLetter[];
  /** Keys the pre-invoice check must not expect a document for: their cause still holds. */
  exempt: Set<string>;
} {
  // A dead letter re-published by an event re-run after a lost commit has the same id.
  const unique = [...new Map(deadLetters.map((d) => [d.deadLetterId, d])).values()];
  const explained: Record<DeadLetterCause, number> = {
    'fractional-price': 0,
    'customer-deleted': 0,
  };
  const findings: Finding[] = [];
  const exempt = new Set<string>();
  for (const d of unique) {
    const cause = causeOf(w, d);
    // A quote refused for its fractional price and then edited to whole rials must get its document.
    const lasting =
      cause !== 'fractional-price' || w.stillFractional(d.canonicalKey.replace(/^preinvoice:crm:/, ''));
    if (lasting) exempt.add(d.canonicalKey);
    if (cause) {
      explained[cause]++;
      continue;
    }
    const n = /^customer:(\d+)$/.exec(d.canonicalKey)?.[1];
    findings.push({
      kind: 'unexplained-dead-letter',
      n:
        n === undefined
          ? (w.quoteCustomer.get(d.canonicalKey.replace(/^preinvoice:crm:/, '')) ?? null)
          : Number(n),
      detail: `${d.deadLetterId} ${d.canonicalKey} ${d.reasonCode || '(no reason)'}: ${d.message}${d.sourceMessage ? ` (${d.sourceMessage})` : ''}`,
    });
  }
  return { findings, explained, unique, exempt };
}
