import { loadSyncConfig } from '@siaghsync/shared/mapping/syncConfig';
import { siaghToCanonical } from '@siaghsync/shared/mapping/siagh';
import { sideChecksum } from '@siaghsync/shared/mapping/sides';
import type { SiaghContact } from '@siaghsync/shared/siagh/schemas';
import { diffSnapshot, emptyState, hash52, type TrackedState } from './diff';
import { RawHashes, RawMemo } from './rawMemo';
import { observeSiagh, observeSiaghContact, type Observation } from './siaghPoller';

const config = loadSyncConfig();
const contact = (code: number, over: Partial<Record<string, unknown>> = {}): SiaghContact => ({
  Code: code,
  tmpid: String(code - 1000),
  Name: `علی کریمی ${code}`,
  MobileNo: `0912${String(code).padStart(7, '0')}`,
  Email: `u${code}@example.ir`,
  Address: 'تهران پلاک ۱۲',
  IsActive: true,
  TowardType: code % 2 === 0,
  ...over,
});
const list = (n: number) => Array.from({ length: n }, (_, i) => contact(1001 + i));
/** What the syncer computes for a record: the full mapping's side checksum. */
const fullChecksum = (c: SiaghContact) => sideChecksum(siaghToCanonical(c, config), config, 'siagh');

/** A sweep observed and committed as the tracker would: the state it leaves, the raw hashes it leaves. */
function commit(
  prev: TrackedState,
  obs: Observation,
): { state: TrackedState; known: Parameters<typeof observeSiagh>[2] } {
  const state = diffSnapshot(prev, obs.hashes, { complete: true, minRatio: 0.5 }).newState;
  return { state, known: { raw: obs.raw, tracked: state.hashes } };
}

describe('observeSiagh with the raw hashes of the last sweep', () => {
  const before = list(50);
  const first = observeSiagh(before, config);
  const { state, known } = commit(emptyState(), first);

  it('maps every record when nothing is known, into the side-checksum hashes', () => {
    expect(first.recomputed).toBe(50);
    for (const c of before) expect(first.hashes.get(String(c.Code))).toBe(hash52(fullChecksum(c)));
  });

  it('maps only the changed records and gives the hashes a full mapping gives', () => {
    const after = before.map((c, i) => (i % 10 === 3 ? { ...c, Email: `new${i}@example.ir` } : c));
    const obs = observeSiagh(after, config, known);
    expect(obs.recomputed).toBe(5);
    expect([...obs.hashes]).toEqual([...observeSiagh(after, config).hashes]);
  });

  it('gives a changed record exactly the event details (and checksum) it had without the memo', () => {
    const after = before.map((c, i) => (i === 7 ? { ...c, Name: 'زهرا رضایی' } : c));
    const obs = observeSiagh(after, config, known);
    const diff = diffSnapshot(state, obs.hashes, { complete: true, minRatio: 0.5 });
    expect(diff.upserts).toEqual(['1008']);
    const full = observeSiaghContact(after[7]!, config);
    // The same event, plus which mapped fields the edit changed (known from the last sweep).
    expect(obs.details('1008')).toEqual({
      ...full,
      attributes: { ...full.attributes, changedFields: 'name' },
    });
    expect(obs.details('1008')?.checksum).toBe(fullChecksum(after[7]!));
  });

  it('names every mapped field an edit changed, and none for a record it never saw', () => {
    const after = before.map((c, i) =>
      i === 3 ? { ...c, Email: 'new@example.ir', MobileNo: '09120000000' } : c,
    );
    const obs = observeSiagh([...after, contact(999)], config, known);
    expect(obs.details(String(after[3]!.Code))?.attributes?.changedFields).toBe('mobile,email');
    expect(obs.details('999')?.attributes?.changedFields).toBeUndefined();
  });

  it('emits nothing for a raw change the normalization undoes (ی for ي), as before', () => {
    const after = before.map((c, i) => (i === 2 ? { ...c, Name: String(c.Name).replace('ی', 'ي') } : c));
    const obs = observeSiagh(after, config, known);
    expect(obs.recomputed).toBe(1);
    expect(diffSnapshot(state, obs.hashes, { complete: true, minRatio: 0.5 }).upserts).toEqual([]);
  });

  it('finds records by Code when a create and a delete shift the list', () => {
    const after = [contact(999), ...before.slice(0, 20), ...before.slice(21)];
    const obs = observeSiagh(after, config, known);
    expect(obs.recomputed).toBe(1);
    expect([...obs.hashes]).toEqual([...observeSiagh(after, config).hashes]);
  });

  it('maps a record in full when its tracked hash is gone (deleted, then back)', () => {
    const tracked = new Map(state.hashes);
    tracked.delete('1005');
    const obs = observeSiagh(before, config, { raw: known!.raw, tracked });
    expect(obs.recomputed).toBe(1);
    expect(obs.hashes.get('1005')).toBe(first.hashes.get('1005'));
  });

  it('maps everything, and leaves no raw hashes, when a Code is listed twice', () => {
    const twice = [...before, { ...before[4]!, Email: 'other@example.ir' }];
    const obs = observeSiagh(twice, config, known);
    expect(obs.recomputed).toBe(50);
    expect(obs.hashes.get('1005')).toBe(hash52(fullChecksum(twice[50]!)));
    expect(obs.raw).toBe(RawHashes.none);
  });
});

describe('RawMemo', () => {
  it('is valid only while the tracker holds the state the sweep committed', () => {
    const memo = new RawMemo();
    const tracker = { state: emptyState() };
    expect(memo.known(tracker)).toBeUndefined();
    const raw = observeSiagh(list(3), config).raw;
    memo.committed(tracker, raw);
    expect(memo.known(tracker)?.raw).toBe(raw);
    // A failed commit never reaches `committed`; a new term or a restore brings another state.
    expect(memo.known({ state: emptyState() })).toBeUndefined();
    tracker.state = emptyState();
    expect(memo.known(tracker)).toBeUndefined();
  });
});
