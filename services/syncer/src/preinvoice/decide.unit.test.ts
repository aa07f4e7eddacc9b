import type { SyncError } from '@siaghsync/shared/errors';
import {
  config,
  fetchedOf,
  fresh,
  quote,
  quoteEvent,
  sent,
  when,
  withDocNo,
  QUOTE_ID,
} from '../../test/preinvoiceSpec';
import { contentChecksum } from './state';

const errorOf = (f: () => unknown): SyncError => {
  try {
    f();
  } catch (e) {
    return e as SyncError;
  }
  throw new Error('expected a throw');
};

describe('decidePreInvoice: customer first', () => {
  it('waits (parks) while the customer is not linked, and says what it waits for', () => {
    const d = when(
      fresh(),
      quoteEvent(),
      fetchedOf(quote(), { customer: { status: 'unlinked', canonicalKey: null }, session: null }),
    );
    expect(d.writes).toEqual([]);
    expect(d.outcome.status).toBe('waiting');
    expect(d.newState.preInvoice?.waitingFor).toBe('crm:crm-guid-1');
    expect(d.outcome.fieldDiff[0]).toMatchObject({ reason: 'waiting-for-customer-link' });
  });

  it('a customer missing in the CRM too is a permanent PREINVOICE_CUSTOMER_MISSING', () => {
    const e = errorOf(() =>
      when(fresh(), quoteEvent(), fetchedOf(quote(), { customer: { status: 'missing' } })),
    );
    expect(e.code).toBe('PREINVOICE_CUSTOMER_MISSING');
    expect(e.kind).toBe('permanent');
  });
});

describe('decidePreInvoice: create and write-back', () => {
  it('creates the document with the session fiscal year, then writes the number back', () => {
    const d = when(fresh(), quoteEvent(), fetchedOf(quote()));
    expect(d.writes.map((w) => w.op)).toEqual(['create', 'write-back']);
    const create = d.writes[0]!;
    expect(create.op === 'create' && create.header).toMatchObject({
      customerCode: 501,
      fiscalYear: 1404,
      notes: `CRM ${QUOTE_ID} - پیش فاکتور تست`,
    });
    expect(d.writes[1]).toMatchObject({ side: 'crm', documentNo: null });
    expect(d.outcome.status).toBe('created');
    expect(d.newState.preInvoice).toMatchObject({
      sent: contentChecksum(quote(), config),
      documentDate: '1404/09/04',
      waitingFor: null,
    });
  });

  it('our own write-back coming back is skipped as an echo (one write per real change)', () => {
    const d = when(sent(quote()), quoteEvent(), fetchedOf(withDocNo(quote(), '7')));
    expect(d.writes).toEqual([]);
    expect(d.outcome.status).toBe('skipped-echo');
  });

  it('a document number removed from the quote by a user is written back again, nothing sent to Siagh', () => {
    const d = when(sent(quote()), quoteEvent(), fetchedOf(quote()));
    expect(d.writes).toEqual([{ side: 'crm', op: 'write-back', quoteId: QUOTE_ID, documentNo: 7 }]);
  });

  it('the number is not part of the content: an unchanged quote needs no customer or session', () => {
    const d = when(
      sent(quote()),
      quoteEvent(),
      fetchedOf(withDocNo(quote(), '7'), { customer: null, session: null }),
    );
    expect(d.outcome.status).toBe('skipped-echo');
  });
});

describe('decidePreInvoice: later edits', () => {
  const edited = withDocNo(quote({ subject: 'ویرایش شده' }), '7');

  it('an edit after sending updates the Siagh document in place', () => {
    const d = when(
      sent(quote()),
      quoteEvent(),
      fetchedOf(edited, { document: { ShomareSanad: 7, Finalized: false } }),
    );
    expect(d.writes).toEqual([expect.objectContaining({ side: 'siagh', op: 'update', documentNo: 7 })]);
    expect(d.outcome.status).toBe('synced');
  });

  it('an edit of a finalized document is an open conflict with both versions, not a silent loss', () => {
    const doc = { ShomareSanad: 7, Finalized: true, Tozihat: 'old' };
    const d = when(sent(quote()), quoteEvent(), fetchedOf(edited, { document: doc }));
    expect(d.writes).toEqual([]);
    expect(d.outcome.status).toBe('conflict');
    expect(d.conflicts).toEqual([
      expect.objectContaining({ status: 'open', field: 'record', policy: 'manual' }),
    ]);
    expect(JSON.parse(d.conflicts[0]!.siaghValue!)).toEqual(doc);
    expect((JSON.parse(d.conflicts[0]!.crmValue!) as { quote: { subject: string } }).quote.subject).toBe(
      'ویرایش شده',
    );
    expect(d.newState.openConflicts).toHaveLength(1);
  });

  it('the same conflicting version again does not open a second conflict', () => {
    const first = when(
      sent(quote()),
      quoteEvent(),
      fetchedOf(edited, { document: { ShomareSanad: 7, Finalized: true } }),
    );
    const again = when(
      first.newState,
      quoteEvent({ correlationId: 'corr-2' }),
      fetchedOf(edited, { document: { ShomareSanad: 7, Finalized: true } }),
    );
    expect(again.conflicts).toEqual([]);
    expect(again.outcome.status).toBe('skipped-unchanged');
  });

  it('editAfterSend: conflict never edits', () => {
    const cfg = { ...config, preInvoice: { ...config.preInvoice, editAfterSend: 'conflict' as const } };
    const d = when(
      sent(quote()),
      quoteEvent(),
      fetchedOf(edited, { document: { ShomareSanad: 7, Finalized: false } }),
      cfg,
    );
    expect(d.outcome.status).toBe('conflict');
    expect(d.writes).toEqual([]);
  });
});

describe('decidePreInvoice: amounts and refusals', () => {
  it('refuses a quote whose header disagrees with its lines (PREINVOICE_TOTALS_MISMATCH)', () => {
    const e = errorOf(() => when(fresh(), quoteEvent(), fetchedOf(quote({ totalValue: 2_600_000 }))));
    expect(e.code).toBe('PREINVOICE_TOTALS_MISMATCH');
  });

  it('a deleted quote keeps the Siagh document and writes nothing', () => {
    const d = when(sent(quote()), quoteEvent(), fetchedOf(null));
    expect(d.writes).toEqual([]);
    expect(d.newState.crm.deleted).toBe(true);
  });

  it('Siagh-side notices do not flow back', () => {
    const ev = quoteEvent();
    const d = when(
      fresh(),
      {
        ...ev,
        canonicalKey: 'preinvoice:siagh:7',
        change: { ...ev.change!, source: 'siagh', sourceId: '7' },
      },
      fetchedOf(null),
    );
    expect(d.writes).toEqual([]);
  });
});
