import { kill9, spawnSyncer } from './process';
import { createProcessWorld, docNoOn, docsOf, newCustomer, newQuote, until } from './preinvoiceHarness';

// Kill -9 between the Siagh create and the commit. The CRM's write-back call (the last step before the
// commit) is held for 20 s, so when the CRM's recorder shows it arrived the Siagh document exists and
// nothing is committed yet; the syncer is killed right then. The restarted syncer re-runs the event,
// finds the document by the `CRM <quoteId>` note and does not create a second one.

jest.setTimeout(5 * 60_000);

it('kill -9 between the Siagh create and the commit: exactly one pre-invoice afterwards', async () => {
  const w = await createProcessWorld('picrash');
  let child = spawnSyncer(w.env);
  try {
    const customerId = newCustomer(w, 7201);
    await w.emit('customer', customerId);
    // Its commit, not only its contact: the contact exists a moment before the link is committed, and a
    // quote routed in between waits for the link (a 'waiting' outcome this test does not expect).
    await until(
      'customer created and committed',
      () => w.outcomes.some((o) => o.canonicalKey === 'customer:7201' && o.status === 'created'),
      120_000,
    );

    const updatePath = '/api/v2/crmobject/quote/sales/update';
    w.crmSim.faults.set({ paths: [updatePath], latency: { kind: 'fixed', ms: 20_000 } });
    const q = newQuote(w, customerId, [{ productCode: 'K-900', count: 4, baseUnitPrice: 250_000 }]);
    await w.emit('preinvoice', q.crmId);
    await until(
      'write-back call arrived',
      () => w.crmSim.recorder.list({ path: updatePath }).length > 0,
      120_000,
    );
    expect(docsOf(w, q.crmId)).toHaveLength(1);
    await kill9(child);
    expect(w.outcomes.filter((o) => o.canonicalKey === `preinvoice:crm:${q.crmId}`)).toEqual([]);

    w.crmSim.faults.set({});
    child = spawnSyncer(w.env);
    await until('document number written back', () => docNoOn(w, q.crmId), 120_000);
    await until(
      'outcome committed',
      () => w.outcomes.find((o) => o.canonicalKey === `preinvoice:crm:${q.crmId}` && o.status === 'created'),
      60_000,
    );
    const docs = docsOf(w, q.crmId);
    expect(docs).toHaveLength(1);
    expect(docNoOn(w, q.crmId)).toBe(String(docs[0]!.ShomareSanad));
    expect(docs[0]!.MablaghKol).toBe(1_000_000);
  } finally {
    await kill9(child);
    await w.close();
  }
});
