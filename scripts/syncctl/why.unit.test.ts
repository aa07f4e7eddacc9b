import { explainReason, formatWhy, type FieldLineage } from './why';

const T = Date.UTC(2026, 11, 7, 9, 0, 0);
const prov = {
  previous: null,
  outcomeId: 'o1',
  sourceEventId: 'ev-1',
  correlationId: 'corr-1',
  direction: 'crm-to-siagh' as const,
  trigger: 'webhook' as const,
  at: T,
  sourceTime: null,
};

describe('syncctl why', () => {
  it('names the write, the change it came from, the policy and the conflict', () => {
    const l: FieldLineage = {
      field: 'email',
      crm: { ...prov, value: '"a@x.ir"', origin: 'linked', reason: 'present-at-link' },
      siagh: {
        ...prov,
        value: '"a@x.ir"',
        origin: 'sync-write',
        reason: 'conflict-lww',
        previous: '"old@x.ir"',
      },
      history: [{ ...prov, side: 'siagh', value: '"old@x.ir"', origin: 'linked', reason: 'present-at-link' }],
    };
    const text = formatWhy('customer:7', l, [
      {
        conflictId: 'c9',
        state: 'auto-resolved',
        field: 'email',
        detectedAt: T,
        conflict: {
          crmValue: '"a@x.ir"',
          siaghValue: '"old@x.ir"',
          policy: 'lww',
          winner: 'crm',
          resolvedBy: null,
        },
      },
    ]);
    expect(text).toContain('CRM: "a@x.ir"');
    expect(text).toContain('found there at the first link, unchanged since');
    expect(text).toContain('written by the syncer (crm-to-siagh, webhook)');
    expect(text).toContain('conflict: the later edit won (last write wins)');
    expect(text).toContain('change: ev-1 · outcome o1 · correlation corr-1');
    expect(text).toContain('before: "old@x.ir"');
    expect(text).toMatch(
      /Earlier values \(1, newest first\)\n.*Siagh\s+"old@x.ir"\s+\(linked, present-at-link\)/,
    );
    expect(text).toMatch(/auto-resolved\s+policy lww, CRM won.*\[c9\]/);
  });

  it('says plainly when a side has no recorded value and no conflict exists', () => {
    const text = formatWhy('customer:7', { field: 'mobile', crm: null, siagh: null, history: [] }, []);
    expect(text).toContain('CRM: no value recorded');
    expect(text).toContain('Conflicts: none on this field');
  });

  it('explains every reason the syncer writes, and passes an unknown one through', () => {
    expect(explainReason('direction')).toMatch(/direction rule/);
    expect(explainReason('changed-on-siagh')).toBe('edited in Siagh, not in the other');
    expect(explainReason('conflict-fixed-siagh')).toBe('conflict: the policy says Siagh wins');
    expect(explainReason('conflict-lww-tie')).toMatch(/clock-skew/);
    expect(explainReason('create')).toMatch(/created/);
    expect(explainReason('something-new')).toBe('something-new');
  });
});
