import { BULK_SWEEP_UPSERTS, bulkUpserts, changedAfter, LATE_CHANGE_MS, lateSourceTimes } from './tracker';

const ids = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

describe('which upserts of a sweep are bulk work', () => {
  const known = (id: string) => id.startsWith('old');

  it("a person's edit seen with thousands of contacts first seen stays live", () => {
    const kinds = bulkUpserts([...ids('new', 5000), 'old-edited'], known);
    expect(kinds).toEqual({ firstSeen: true, changed: false });
  });

  it('a mass edit of known records is bulk, records first seen beside it are judged alone', () => {
    expect(bulkUpserts([...ids('old', BULK_SWEEP_UPSERTS + 1), 'new-1'], known)).toEqual({
      firstSeen: false,
      changed: true,
    });
  });

  it('up to the threshold of each kind, everything is live', () => {
    const kinds = bulkUpserts([...ids('old', BULK_SWEEP_UPSERTS), ...ids('new', BULK_SWEEP_UPSERTS)], known);
    expect(kinds).toEqual({ firstSeen: false, changed: false });
  });
});

describe('what a source without modification times still tells', () => {
  it("a record whose hash changed since the last complete sweep was edited after that sweep's read began", () => {
    expect(changedAfter(7, { sourceTime: null }, { lastCompleteReadAt: 1_000 })).toEqual({
      changedAfter: '1000',
    });
  });

  it('nothing for a record first seen, one with its own modification time, or no complete sweep yet', () => {
    expect(changedAfter(undefined, { sourceTime: null }, { lastCompleteReadAt: 1_000 })).toEqual({});
    expect(changedAfter(7, { sourceTime: 5 }, { lastCompleteReadAt: 1_000 })).toEqual({});
    expect(changedAfter(7, { sourceTime: null }, { lastCompleteReadAt: null })).toEqual({});
    // State written before the read time was kept.
    expect(changedAfter(7, { sourceTime: null }, {})).toEqual({});
  });
});

describe('changes found late (a webhook should have announced them)', () => {
  const readAt = 10_000_000;
  const prev = 1;
  const opts = { firstSweep: false, bulkFirstSeen: false };

  it('keeps the source times a minute or more before the read, edits and creates alike', () => {
    const late = readAt - LATE_CHANGE_MS;
    expect(
      lateSourceTimes(
        [
          { prev, sourceTime: late },
          { prev: undefined, sourceTime: late - 5 },
          { prev, sourceTime: late + 1 },
          { prev, sourceTime: null },
        ],
        readAt,
        opts,
      ),
    ).toEqual([late, late - 5]);
  });

  it('counts nothing on a first sweep, nor among a bulk of records first seen (the import)', () => {
    const old = [{ prev: undefined, sourceTime: 0 }];
    expect(lateSourceTimes(old, readAt, { ...opts, firstSweep: true })).toEqual([]);
    expect(lateSourceTimes(old, readAt, { ...opts, bulkFirstSeen: true })).toEqual([]);
    expect(lateSourceTimes([{ prev, sourceTime: 0 }], readAt, { ...opts, bulkFirstSeen: true })).toEqual([0]);
  });
});
