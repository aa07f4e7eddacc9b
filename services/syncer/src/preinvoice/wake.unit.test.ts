import { initialState, type EntityState } from '../decide/state';
import { quoteEvent } from '../../test/preinvoiceSpec';
import { emptyExtra } from './state';
import { PreInvoiceWaker } from './wake';

// Given committed states as the changelog delivers them, when a customer gets its Siagh id, then each
// quote waiting for it is woken once.

function harness() {
  const states = new Map<string, EntityState>();
  const links = new Map<string, string>();
  const woken: string[] = [];
  const waker = new PreInvoiceWaker({
    linkOf: (k) => links.get(k),
    stateOf: (k) => states.get(k),
    wake: (key) => woken.push(key),
  });
  const commit = (s: EntityState) => {
    states.set(s.canonicalKey, s);
    waker.observe(s);
  };
  return { waker, commit, links, woken };
}

const waiting = (key: string, version = 1): EntityState => ({
  ...initialState(key, 'preinvoice'),
  version,
  pending: [quoteEvent({ canonicalKey: key })],
  preInvoice: { ...emptyExtra(), waitingFor: 'crm:cust-1' },
});
const customer = (siaghId: string | null, version = 1): EntityState => ({
  ...initialState('customer:1231'),
  version,
  crm: { id: 'cust-1', written: null, seen: null, deleted: false },
  siagh: { id: siaghId, written: null, seen: null, deleted: false },
});

describe('PreInvoiceWaker', () => {
  it('wakes every quote waiting on a customer when its link is committed, once per waiting version', () => {
    const h = harness();
    h.commit(waiting('preinvoice:crm:q1'));
    h.commit(waiting('preinvoice:crm:q2'));
    h.commit(customer(null));
    expect(h.woken).toEqual([]);
    h.links.set('crm:cust-1', 'customer:1231');
    h.commit(customer('501', 2));
    expect(h.woken.sort()).toEqual(['preinvoice:crm:q1', 'preinvoice:crm:q2']);
    h.commit(customer('501', 3));
    expect(h.woken).toHaveLength(2);
  });

  it('a waiting state committed after the customer was linked (they raced) is woken at once', () => {
    const h = harness();
    h.links.set('crm:cust-1', 'customer:1231');
    h.commit(customer('501'));
    h.commit(waiting('preinvoice:crm:q1'));
    expect(h.woken).toEqual(['preinvoice:crm:q1']);
  });

  it('forgets a quote that no longer waits', () => {
    const h = harness();
    h.commit(waiting('preinvoice:crm:q1'));
    h.commit({ ...waiting('preinvoice:crm:q1', 2), pending: [] });
    expect(h.waker.waitingFor('crm:cust-1')).toEqual([]);
    h.links.set('crm:cust-1', 'customer:1231');
    h.commit(customer('501'));
    expect(h.woken).toEqual([]);
  });
});
