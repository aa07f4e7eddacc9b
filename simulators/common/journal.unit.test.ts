import { SimClock } from './clock';
import { changedKeys, WriteJournal } from './journal';
import { CrmStore } from '../crm/store';
import { defaultSubtypes } from '../crm/types';
import { SiaghStore } from '../siagh/store';
import { contactForm, saveContact } from '../siagh/forms/contactForm';

const strip = ({
  seq: _s,
  timeMs: _t,
  fields: _f,
  ...rest
}: {
  seq: number;
  timeMs: number;
  fields: unknown;
}) => rest;

describe('write journal', () => {
  it('is ui unless inside as(), and as() restores the origin after a throw', () => {
    const j = new WriteJournal();
    const rec = () =>
      j.record({ op: 'update', customerNo: null, recordId: 'x', outcome: 'ok', fields: {}, changed: [] });
    rec();
    j.as('api', rec);
    expect(() =>
      j.as('api', () => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    rec();
    expect(j.list().map((e) => e.origin)).toEqual(['ui', 'api', 'ui']);
    expect(j.list({ origin: 'api' })).toHaveLength(1);
  });

  it('counts what it dropped at its bound', () => {
    const j = new WriteJournal(2);
    for (let k = 0; k < 5; k++)
      j.record({
        op: 'create',
        customerNo: String(k),
        recordId: null,
        outcome: 'ok',
        fields: {},
        changed: [],
      });
    expect(j.list().map((e) => e.customerNo)).toEqual(['3', '4']);
    expect(j.dropped).toBe(3);
  });

  it('changedKeys compares deeply and ignores stamps', () => {
    expect(changedKeys({ a: [1], b: 2, t: 1 }, { a: [1], b: 3, t: 2 }, ['t'])).toEqual(['b']);
    expect(changedKeys({ a: { x: 1 } }, { a: { x: 1 } })).toEqual([]);
  });
});

describe('CRM store journal', () => {
  const store = () => new CrmStore(new SimClock(0), defaultSubtypes);

  it('journals seeds, UI and API writes, refusals with the customer number asked for, and no-op updates', () => {
    const s = store();
    s.load([]);
    const a = s.create(1, { nickName: 'الف', customerNumber: '100-7', email: 'a@x.ir' });
    if (!a.ok) throw new Error(a.message);
    const dup = s.journal.as('api', () => s.create(1, { nickName: 'ب', customerNumber: '100-7' }));
    expect(dup.ok).toBe(false);
    s.journal.as('api', () => s.update(a.value.crmId, 1, { email: 'a@x.ir' }));
    s.journal.as('api', () => s.update(a.value.crmId, 1, { email: 'b@x.ir' }));
    s.journal.as('api', () => s.update(a.value.crmId, 2, { email: 'c@x.ir' }));
    s.delete(a.value.crmId);
    expect(s.journal.list().map(strip)).toEqual([
      expect.objectContaining({ origin: 'ui', op: 'create', customerNo: '100-7', outcome: 'ok' }),
      expect.objectContaining({
        origin: 'api',
        op: 'create',
        customerNo: '100-7',
        recordId: null,
        outcome: 'refused',
        reason: expect.stringContaining('تکراری') as string,
      }),
      {
        origin: 'api',
        op: 'update',
        customerNo: '100-7',
        recordId: a.value.crmId,
        outcome: 'ok',
        changed: [],
      },
      {
        origin: 'api',
        op: 'update',
        customerNo: '100-7',
        recordId: a.value.crmId,
        outcome: 'ok',
        changed: ['email'],
      },
      expect.objectContaining({ origin: 'api', op: 'update', outcome: 'refused' }),
      expect.objectContaining({ origin: 'ui', op: 'delete', customerNo: '100-7', outcome: 'ok' }),
    ]);
    expect(s.journal.list()[3]?.fields).toEqual({ email: 'b@x.ir' });
  });

  it('journals loaded records as seeds', () => {
    const s = store();
    const a = s.create(1, { nickName: 'الف', customerNumber: '100-1' });
    if (!a.ok) throw new Error(a.message);
    const t = store();
    t.load([a.value]);
    expect(t.journal.list().map(strip)).toEqual([
      {
        origin: 'seed',
        op: 'create',
        customerNo: '100-1',
        recordId: a.value.crmId,
        outcome: 'ok',
        changed: [],
      },
    ]);
  });
});

describe('Siagh store journal', () => {
  const ctrl = (fields: Record<string, string>) =>
    Object.entries(fields)
      .map(([k, v]) => `gn_web_users.${k}=${v}`)
      .join('|');

  it('journals form writes as the API, UI saves as ui, and a refused duplicate phone with its tmpid', () => {
    const s = new SiaghStore(new SimClock(0));
    const params = (code = '') => new Map([['codemain', code]]);
    const first = s.journal.as('api', () =>
      contactForm(s, ctrl({ fullname: 'الف', tmpid: '5', mobileno: '09120000001' }), params()),
    );
    expect(first.ReturnValue).toBe(true);
    const again = s.journal.as('api', () =>
      contactForm(s, ctrl({ fullname: 'الف', tmpid: '5', mobileno: '09120000001' }), params()),
    );
    expect(again.ReturnValue).toBe(false);
    saveContact(s, Number(first.ReturnCode), { Email: 'e@x.ir' });
    s.updateContact(Number(first.ReturnCode), { Email: 'e@x.ir' });
    expect(s.journal.list().map(strip)).toEqual([
      expect.objectContaining({ origin: 'api', op: 'create', customerNo: '5', outcome: 'ok' }),
      expect.objectContaining({
        origin: 'api',
        op: 'create',
        customerNo: '5',
        recordId: null,
        outcome: 'refused',
        reason: expect.stringContaining('تکراری') as string,
      }),
      {
        origin: 'ui',
        op: 'update',
        customerNo: '5',
        recordId: first.ReturnCode,
        outcome: 'ok',
        changed: ['Email'],
      },
      { origin: 'ui', op: 'update', customerNo: '5', recordId: first.ReturnCode, outcome: 'ok', changed: [] },
    ]);
  });

  it('journals an unknown code and unparsable values as refused updates', () => {
    const s = new SiaghStore(new SimClock(0));
    s.journal.as('api', () => contactForm(s, ctrl({ fullname: 'الف' }), new Map([['codemain', '99']])));
    s.journal.as('api', () => contactForm(s, ctrl({ citycode: 'x' }), new Map([['codemain', '99']])));
    expect(s.journal.list().map((e) => [e.origin, e.op, e.recordId, e.outcome])).toEqual([
      ['api', 'update', '99', 'refused'],
      ['api', 'update', '99', 'refused'],
    ]);
  });
});
