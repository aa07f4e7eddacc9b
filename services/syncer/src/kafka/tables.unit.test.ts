import type { EventCodec } from '@siaghsync/shared/registry';
import { initialState, type EntityState } from '../decide/state';
import { StateTable } from './tables';

const state = (key: string, version: number, generation = 1): EntityState => ({
  ...initialState(key),
  version,
  generation,
});

describe('StateTable: a state counts once its transaction commits', () => {
  const table = () => new StateTable({} as EventCodec);

  it('an offered state is seen at once, and stays after its transaction commits', () => {
    const t = table();
    t.offer(state('customer:1', 1));
    expect(t.get('customer:1')?.version).toBe(1);
    t.settle(['customer:1']);
    expect(t.get('customer:1')?.version).toBe(1);
    expect(t.size).toBe(1);
  });

  it('a chunk that did not commit leaves the committed state as it was (the re-run starts there)', () => {
    const t = table();
    t.offer(state('customer:1', 1));
    t.settle(['customer:1']);
    t.offer({ ...state('customer:1', 2), openConflicts: [] });
    t.offer(state('customer:1', 3));
    t.discard(['customer:1']);
    expect(t.get('customer:1')?.version).toBe(1);
    // A state never committed at all is gone.
    t.offer(state('customer:2', 1));
    t.discard(['customer:2']);
    expect(t.get('customer:2')).toBeUndefined();
    expect([...t.entries()].map(([k]) => k)).toEqual(['customer:1']);
  });

  it('a discard or settle touches only the chunk’s own entities', () => {
    const t = table();
    t.offer(state('customer:1', 1));
    t.offer(state('customer:2', 1));
    t.discard(['customer:1']);
    expect(t.get('customer:2')?.version).toBe(1);
    expect(t.size).toBe(1);
  });

  it('a zombie’s older state is still refused', () => {
    const t = table();
    t.offer(state('customer:1', 5, 7));
    t.settle(['customer:1']);
    expect(t.offer(state('customer:1', 9, 6))).toBe(false);
    expect(t.get('customer:1')).toMatchObject({ version: 5, generation: 7 });
  });
});
