import type { KafkaMessage } from '@siaghsync/shared/kafka/client';
import { sampleWork } from '../../../../test/fixtures/events';
import { customer } from '../../test/spec';
import { initialState, toRecord, type EntityState } from '../decide/state';
import { StateTable } from './tables';

// The state table holds committed states packed, with only a few decoded: with room for two, most
// reads below decode, and ordering, updates and parked events must not notice.

/** Stands for the registry codec: the changelog's record as JSON. */
const codec = {
  decode: <T>(buffer: Buffer): Promise<T> => Promise.resolve(JSON.parse(buffer.toString()) as T),
};
const message = (s: EntityState): KafkaMessage =>
  ({ key: Buffer.from(s.canonicalKey), value: Buffer.from(JSON.stringify(toRecord(s))) }) as KafkaMessage;

const state = (n: number, version: number, generation = 1): EntityState => ({
  ...initialState(`customer:${n}`),
  version,
  generation,
  base: customer({ customerNumber: n, email: `c${n}@example.com` }),
  siagh: { id: String(n), written: 'ab'.repeat(32), seen: null, deleted: false },
});

const commit = (t: StateTable, s: EntityState) => {
  expect(t.offer(s)).toBe(true);
  t.settle([s.canonicalKey]);
};

describe('StateTable with packed states: decoding on read changes nothing callers see', () => {
  it('an update of a state no longer decoded is kept, and read back after eviction', () => {
    const t = new StateTable(codec, { hotStates: 2 });
    for (let n = 1; n <= 50; n++) commit(t, state(n, 1));
    for (let n = 1; n <= 50; n += 7) commit(t, { ...state(n, 2), base: customer({ name: `نام ${n}` }) });
    for (let n = 1; n <= 50; n++) {
      const updated = (n - 1) % 7 === 0;
      expect(t.get(`customer:${n}`)).toStrictEqual(
        updated ? { ...state(n, 2), base: customer({ name: `نام ${n}` }) } : state(n, 1),
      );
    }
    expect(t.size).toBe(50);
  });

  it('a zombie’s older state and a replayed older record lose to a committed state that was evicted', async () => {
    const t = new StateTable(codec, { hotStates: 2 });
    commit(t, state(1, 5, 7));
    for (let n = 2; n <= 10; n++) commit(t, state(n, 1));
    expect(t.offer(state(1, 9, 6))).toBe(false);
    expect(t.offer(state(1, 5, 7))).toBe(false);
    const seen: number[] = [];
    t.onCommitted = (s) => seen.push(s.version);
    await t.apply(message(state(1, 4, 7)));
    await t.apply(message(state(1, 6, 6)));
    expect(t.get('customer:1')).toMatchObject({ version: 5, generation: 7 });
    expect(seen).toEqual([]);
    await t.apply(message(state(1, 1, 8)));
    expect(t.get('customer:1')).toMatchObject({ version: 1, generation: 8 });
    expect(seen).toEqual([1]);
  });

  it('a state restored from the changelog reads back as the changelog has it', async () => {
    const t = new StateTable(codec, { hotStates: 1 });
    const s = { ...state(3, 2), pending: [sampleWork({ canonicalKey: 'customer:3' })] };
    await t.apply(message(s));
    await t.apply(message(state(4, 1)));
    expect(t.get('customer:3')).toStrictEqual(s);
  });

  it('parked() gives the entities with parked events, as get() sees them, pending states included', () => {
    const t = new StateTable(codec, { hotStates: 1 });
    const parked = (n: number, version: number) => ({
      ...state(n, version),
      pending: [sampleWork({ canonicalKey: `customer:${n}` })],
    });
    commit(t, parked(1, 1));
    commit(t, parked(2, 1));
    commit(t, state(3, 1));
    t.offer(state(2, 2)); // its retry succeeded, not committed yet
    t.offer(parked(3, 2));
    t.offer(parked(4, 1));
    const found = [...t.parked()];
    expect(found.map(([k]) => k).sort()).toEqual(['customer:1', 'customer:3', 'customer:4']);
    for (const [key, s] of found) expect(s).toStrictEqual(t.get(key));
    expect(new Set([...t.entries()].map(([k]) => k))).toEqual(
      new Set(['customer:1', 'customer:2', 'customer:3', 'customer:4']),
    );
  });
});
