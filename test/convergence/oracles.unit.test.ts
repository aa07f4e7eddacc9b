import type { DeadLetter } from '@siaghsync/shared/events';
import type { WriteEntry } from '@siaghsync/simulators/common/journal';
import { amplification } from './amplification';
import { duplicateCreates, userChanges } from './creates';
import { explainDeadLetters } from './deadLetters';
import type { Disruption } from './faults';

let seq = 0;
type Given = Pick<WriteEntry, 'timeMs' | 'origin' | 'op' | 'customerNo'> & Partial<WriteEntry>;
// Defaults: accepted, record r1 (none for a refused create), an update changes one property.
const e = (x: Given): WriteEntry => ({
  seq: ++seq,
  outcome: 'ok',
  recordId: x.op === 'create' && x.outcome === 'refused' ? null : 'r1',
  fields: {},
  changed: x.op === 'update' ? ['Email'] : [],
  ...x,
});
const kinds = (fs: { kind: string }[]) => fs.map((f) => f.kind);

describe('duplicateCreates', () => {
  it('finds a second create refused as a duplicate phone while the first contact exists', () => {
    const j = [
      e({ timeMs: 1, origin: 'api', op: 'create', customerNo: '5' }),
      e({
        timeMs: 2,
        origin: 'api',
        op: 'create',
        customerNo: '5',
        outcome: 'refused',
        reason: 'duplicate phone',
      }),
    ];
    const r = duplicateCreates('siagh', j);
    expect(kinds(r.findings)).toEqual(['duplicate-create-attempt']);
    expect(r.findings[0]).toMatchObject({
      n: 5,
      detail: expect.stringContaining('duplicate phone') as string,
    });
    expect(r.count).toEqual({ attempts: 2, refused: 1 });
  });

  it('finds a pipeline create of a customer a user or the seed already holds, on that side only', () => {
    const seeded = [
      e({ timeMs: 0, origin: 'seed', op: 'create', customerNo: '100-7', recordId: 'a' }),
      e({ timeMs: 1, origin: 'api', op: 'create', customerNo: '100-7', recordId: 'b' }),
    ];
    expect(kinds(duplicateCreates('crm', seeded).findings)).toEqual(['duplicate-create-attempt']);
    // The same number read as a Siagh tmpid is not `100-7`: nothing to compare.
    expect(duplicateCreates('siagh', seeded).findings).toEqual([]);
  });

  it('lets a deleted record be created again', () => {
    const j = [
      e({ timeMs: 1, origin: 'api', op: 'create', customerNo: '5', recordId: 'a' }),
      e({ timeMs: 2, origin: 'ui', op: 'delete', customerNo: '5', recordId: 'a' }),
      e({ timeMs: 3, origin: 'api', op: 'create', customerNo: '5', recordId: 'b' }),
    ];
    expect(duplicateCreates('siagh', j).findings).toEqual([]);
  });

  it('finds a refused create tried again with no change between, not after a user edit', () => {
    const refused = (t: number) =>
      e({ timeMs: t, origin: 'api', op: 'create', customerNo: '5', outcome: 'refused', reason: 'x' });
    const j = [refused(1), refused(3)];
    expect(kinds(duplicateCreates('siagh', j).findings)).toEqual(['duplicate-create-attempt']);
    const edited = userChanges({
      crm: [e({ timeMs: 2, origin: 'ui', op: 'update', customerNo: '100-5' })],
      siagh: [],
    });
    expect(duplicateCreates('siagh', j, edited).findings).toEqual([]);
  });
});

describe('amplification', () => {
  const kill: Disruption = { kind: 'kill', target: 'syncer', startMs: 15, endMs: 20 };

  it('finds a write that changed nothing; one after a kill since the last write is allowed, a second is not', () => {
    const crm = [e({ timeMs: 0, origin: 'seed', op: 'create', customerNo: '100-5' })];
    const siagh = [
      e({ timeMs: 0, origin: 'seed', op: 'create', customerNo: '5' }),
      e({ timeMs: 10, origin: 'api', op: 'update', customerNo: '5' }),
      e({ timeMs: 30, origin: 'api', op: 'update', customerNo: '5', changed: [] }),
      e({ timeMs: 40, origin: 'api', op: 'update', customerNo: '5', changed: [] }),
    ];
    const without = amplification('siagh', { crm, siagh }, []);
    expect(kinds(without.findings)).toEqual(['redundant-write', 'redundant-write']);
    const withKill = amplification('siagh', { crm, siagh }, [kill]);
    expect(kinds(withKill.findings)).toEqual(['redundant-write']);
    expect(withKill.findings[0]?.detail).toContain(`#${siagh[3]!.seq}`);
    expect(withKill.count).toEqual({ writes: 3, noop: 2, excused: 1 });
    // A projector kill does not re-run the syncer's writes.
    expect(
      kinds(amplification('siagh', { crm, siagh }, [{ ...kill, target: 'projector' }]).findings),
    ).toEqual(['redundant-write', 'redundant-write']);
  });

  it('finds more changing writes to a side than the customer had source changes', () => {
    const crm = [
      e({ timeMs: 1, origin: 'ui', op: 'create', customerNo: '100-8', recordId: 'c' }),
      e({ timeMs: 5, origin: 'ui', op: 'update', customerNo: '100-8', recordId: 'c' }),
    ];
    const siagh = [
      e({ timeMs: 2, origin: 'api', op: 'create', customerNo: '8', recordId: 's' }),
      e({ timeMs: 6, origin: 'api', op: 'update', customerNo: '8', recordId: 's' }),
    ];
    expect(amplification('siagh', { crm, siagh }, []).findings).toEqual([]);
    const loop = [...siagh, e({ timeMs: 7, origin: 'api', op: 'update', customerNo: '8', recordId: 's' })];
    const r = amplification('siagh', { crm, siagh: loop }, [kill]);
    expect(kinds(r.findings)).toEqual(['unexplained-write']);
    expect(r.findings[0]).toMatchObject({ n: 8 });
  });
});

describe('explainDeadLetters', () => {
  const dl = (x: Partial<DeadLetter>): DeadLetter =>
    ({
      deadLetterId: `d${++seq}`,
      canonicalKey: 'customer:1',
      reasonCode: 'X',
      message: 'm',
      sourceMessage: null,
      lastFailedAt: 100,
      ...x,
    }) as DeadLetter;
  const world = (journals = { crm: [] as WriteEntry[], siagh: [] as WriteEntry[] }) => ({
    fractionalPrice: new Set(['q1']),
    quoteCustomer: new Map([
      ['q1', 3],
      ['q2', 4],
    ]),
    journals,
    stillFractional: () => false,
  });

  it('passes a fractional price only for a quote the load made so, and never a customer duplicate phone', () => {
    const ok = dl({ canonicalKey: 'preinvoice:crm:q1', reasonCode: 'PREINVOICE_AMOUNT_NOT_INTEGER' });
    const notMade = dl({ canonicalKey: 'preinvoice:crm:q2', reasonCode: 'PREINVOICE_AMOUNT_NOT_INTEGER' });
    const phone = dl({ canonicalKey: 'customer:9', reasonCode: 'SIAGH_DUPLICATE_PHONE' });
    const r = explainDeadLetters(world(), [ok, ok, notMade, phone]);
    expect(r.unique).toHaveLength(3);
    expect(r.explained['fractional-price']).toBe(1);
    expect(r.findings.map((f) => [f.kind, f.n])).toEqual([
      ['unexplained-dead-letter', 4],
      ['unexplained-dead-letter', 9],
    ]);
    // Edited to whole rials since: the document is expected after all.
    expect(r.exempt.has('preinvoice:crm:q1')).toBe(false);
  });

  it('never passes a customer dead letter: a write to a record deleted meanwhile is decided again', () => {
    const notFound = dl({ canonicalKey: 'customer:6', reasonCode: 'SIAGH_NOT_FOUND', lastFailedAt: 100 });
    const del = e({ timeMs: 50, origin: 'ui', op: 'delete', customerNo: '6', recordId: 's6' });
    const write = e({
      timeMs: 60,
      origin: 'api',
      op: 'update',
      customerNo: null,
      recordId: 's6',
      outcome: 'refused',
    });
    const siagh = (...xs: WriteEntry[]) => world({ crm: [], siagh: xs });
    expect(explainDeadLetters(siagh(del, write), [notFound]).findings).toHaveLength(1);
    expect(
      explainDeadLetters(siagh(del, write), [{ ...notFound, reasonCode: 'CRM_NOT_FOUND' }]).findings,
    ).toHaveLength(1);
  });

  it('passes a missing customer only after a user deleted it in the CRM before the failure', () => {
    const missing = dl({ canonicalKey: 'preinvoice:crm:q2', reasonCode: 'PREINVOICE_CUSTOMER_MISSING' });
    const del = (side: 'crm' | 'siagh', t: number) =>
      e({ timeMs: t, origin: 'ui', op: 'delete', customerNo: side === 'crm' ? '100-4' : '4' });
    expect(explainDeadLetters(world(), [missing]).findings).toHaveLength(1);
    expect(explainDeadLetters(world({ crm: [del('crm', 200)], siagh: [] }), [missing]).findings).toHaveLength(
      1,
    );
    expect(
      explainDeadLetters(world({ crm: [], siagh: [del('siagh', 50)] }), [missing]).findings,
    ).toHaveLength(1);
    const r = explainDeadLetters(world({ crm: [del('crm', 50)], siagh: [] }), [missing]);
    expect(r.findings).toEqual([]);
    expect(r.exempt.has('preinvoice:crm:q2')).toBe(true);
    const refused = dl({
      canonicalKey: 'preinvoice:crm:q2',
      reasonCode: 'SIAGH_FORM_REFUSED',
      sourceMessage: 'مشتری با کد 1004 یافت نشد.',
    });
    expect(explainDeadLetters(world({ crm: [], siagh: [del('siagh', 50)] }), [refused]).findings).toEqual([]);
    expect(
      explainDeadLetters(world({ crm: [], siagh: [del('siagh', 50)] }), [{ ...refused, sourceMessage: 'x' }])
        .findings,
    ).toHaveLength(1);
  });
});
