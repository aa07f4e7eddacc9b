import { loadSyncConfig } from '@siaghsync/shared/mapping/syncConfig';
import { siaghToCanonical } from '@siaghsync/shared/mapping/siagh';
import { crmToCanonical } from '@siaghsync/shared/mapping/crm';
import { sideChecksum } from '@siaghsync/shared/mapping/sides';
import { diffSnapshot, emptyState, hash52, type Hash52, type TrackedState } from './diff';

const opts = { complete: true, minRatio: 0.5 };
const snap = (entries: [string, Hash52][]) => new Map(entries);
const state = (
  entries: [string, Hash52][],
  missing: string[] = [],
  lastCompleteCount = entries.length,
): TrackedState => ({
  hashes: new Map(entries),
  missing: new Set(missing),
  lastCompleteCount,
});

describe('diffSnapshot', () => {
  it('emits new and changed records, not unchanged ones', () => {
    const r = diffSnapshot(
      state([
        ['a', 1],
        ['b', 2],
      ]),
      snap([
        ['a', 1],
        ['b', 3],
        ['c', 4],
      ]),
      opts,
    );
    expect(r.upserts.sort()).toEqual(['b', 'c']);
    expect(r.deletes).toEqual([]);
    expect(r.newState.hashes.get('b')).toBe(3);
    expect(r.updates).toHaveLength(2);
  });

  it('first complete snapshot: everything is new, count recorded', () => {
    const r = diffSnapshot(emptyState(), snap([['a', 1]]), opts);
    expect(r.upserts).toEqual(['a']);
    expect(r.newState.lastCompleteCount).toBe(1);
  });

  it('missing once marks, missing twice deletes', () => {
    const s0 = state([
      ['a', 1],
      ['b', 2],
      ['c', 3],
    ]);
    const once = diffSnapshot(
      s0,
      snap([
        ['a', 1],
        ['b', 2],
      ]),
      opts,
    );
    expect(once.deletes).toEqual([]);
    expect([...once.newState.missing]).toEqual(['c']);
    expect(once.updates).toEqual([{ id: 'c', hash: 3, missing: true }]);
    const twice = diffSnapshot(
      once.newState,
      snap([
        ['a', 1],
        ['b', 2],
      ]),
      opts,
    );
    expect(twice.deletes).toEqual(['c']);
    expect(twice.newState.hashes.has('c')).toBe(false);
    expect(twice.updates).toEqual([{ id: 'c', hash: null }]);
  });

  it('a record back after one absence is not deleted and emits nothing if unchanged', () => {
    const once = diffSnapshot(
      state([
        ['a', 1],
        ['b', 2],
        ['c', 3],
      ]),
      snap([
        ['a', 1],
        ['b', 2],
      ]),
      opts,
    );
    const back = diffSnapshot(
      once.newState,
      snap([
        ['a', 1],
        ['b', 2],
        ['c', 3],
      ]),
      opts,
    );
    expect(back.upserts).toEqual([]);
    expect(back.newState.missing.size).toBe(0);
    expect(back.updates).toEqual([{ id: 'c', hash: 3, missing: false }]);
  });

  it('an incomplete snapshot deletes nothing and does not advance the missing marks', () => {
    const s0 = state(
      [
        ['a', 1],
        ['b', 2],
        ['c', 3],
      ],
      ['c'],
    );
    const r = diffSnapshot(
      s0,
      snap([
        ['a', 1],
        ['b', 9],
      ]),
      { ...opts, complete: false },
    );
    expect(r.deletes).toEqual([]);
    expect(r.upserts).toEqual(['b']);
    expect(r.suppressed).toBe(1);
    expect(r.suppressedReason).toBe('incomplete');
    expect(r.newState.missing.has('c')).toBe(true);
    expect(r.newState.lastCompleteCount).toBe(3);
  });

  it('a complete but suspiciously small snapshot deletes nothing', () => {
    const s0 = state(
      [
        ['a', 1],
        ['b', 2],
        ['c', 3],
        ['d', 4],
      ],
      ['b', 'c', 'd'],
    );
    const r = diffSnapshot(s0, snap([['a', 1]]), opts);
    expect(r.deletes).toEqual([]);
    expect(r.suppressedReason).toBe('suspicious-size');
    expect(r.trusted).toBe(false);
    expect(r.newState.lastCompleteCount).toBe(4);
  });

  it('marks the record missing when another one takes its place (same count, one absent)', () => {
    const r = diffSnapshot(
      state([
        ['a', 1],
        ['b', 2],
      ]),
      snap([
        ['a', 1],
        ['c', 3],
      ]),
      opts,
    );
    expect(r.upserts).toEqual(['c']);
    expect(r.newState.missing).toEqual(new Set(['b']));
    expect(r.updates).toContainEqual({ id: 'b', hash: 2, missing: true });
  });

  it('marks nothing missing when every tracked record is seen again, new ones besides', () => {
    const r = diffSnapshot(
      state([['a', 1]], ['a']),
      snap([
        ['a', 1],
        ['b', 2],
      ]),
      opts,
    );
    expect(r.newState.missing.size).toBe(0);
    expect(r.updates).toEqual([
      { id: 'a', hash: 1, missing: false },
      { id: 'b', hash: 2, missing: false },
    ]);
  });

  it('does not mutate the previous state', () => {
    const s0 = state([['a', 1]]);
    diffSnapshot(
      s0,
      snap([
        ['a', 2],
        ['b', 1],
      ]),
      opts,
    );
    expect([...s0.hashes]).toEqual([['a', 1]]);
  });
});

describe('side checksums ignore cosmetic changes', () => {
  const config = loadSyncConfig();
  const contact = {
    Code: 1001,
    tmpid: '1231',
    Name: 'علي كريمي',
    MobileNo: '09121234567',
    Address: 'تهران پلاك ۱۲',
    IsActive: true,
    TowardType: false,
  };
  const h = (c: Record<string, unknown>) =>
    hash52(sideChecksum(siaghToCanonical(c, config), config, 'siagh'));

  it('ي→ی, ك→ک and Arabic→Persian digits hash equal', () => {
    expect(h({ ...contact, Name: 'علی کریمی' })).toBe(h(contact));
    expect(h({ ...contact, Address: 'تهران پلاك ١٢' })).toBe(h(contact));
    expect(h({ ...contact, MobileNo: '۰۹۱۲۱۲۳۴۵۶۷' })).toBe(h(contact));
    const unchanged = diffSnapshot(
      state([['1001', h(contact)]]),
      snap([['1001', h({ ...contact, Name: 'علی کریمی' })]]),
      opts,
    );
    expect(unchanged.upserts).toEqual([]);
  });

  it('a real change hashes differently', () => {
    expect(h({ ...contact, Name: 'علی رضایی' })).not.toBe(h(contact));
  });

  it('CRM persons too', () => {
    const body = { nickName: 'علي', firstName: 'علي', lastName: 'كريمي', customerNumber: '100-1231' };
    const c = (b: Record<string, unknown>) =>
      sideChecksum(crmToCanonical(b, 'person', config), config, 'crm');
    expect(c({ ...body, nickName: 'علی', firstName: 'علی', lastName: 'کریمی' })).toBe(c(body));
    expect(c({ ...body, customerNumber: '100-١٢٣١' })).toBe(c(body));
  });
});
