import type { EventCodec } from '@siaghsync/shared/registry';
import type { CreateIntent } from '@siaghsync/shared/events';
import { writeAheadOf } from '../decide/recover';
import { initialState, type EntityState } from '../decide/state';
import { customer } from '../../test/spec';
import { RouteTables, StateTable } from './tables';

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

describe('RouteTables: the id a create returned routes that record to the entity that created it', () => {
  const created = customer();
  const write = writeAheadOf(
    { side: 'crm', op: 'create', record: created, checksum: 'sum' },
    initialState('customer:1231'),
  );
  const intent = (over: Partial<CreateIntent>): CreateIntent => ({
    intentId: 'i1',
    canonicalKey: 'customer:1231',
    entityType: 'customer',
    targetSide: 'crm',
    naturalKey: '1231',
    checksum: 'sum',
    write: JSON.stringify(write),
    status: 'open',
    createdId: null,
    createdAt: 1,
    correlationId: 'c',
    ...over,
  });

  it('before the create returns, only content matches; after, the id does; after the commit, neither', () => {
    const t = new RouteTables({} as EventCodec);
    t.rememberIntent(intent({}));
    expect(t.createdBy('crm', 'guid-9')).toBeUndefined();
    expect(t.announcedWrites('customer:1231')).toEqual([{ ...write, createdId: null }]);
    t.rememberIntent(intent({ createdId: 'guid-9' }));
    expect(t.createdBy('crm', 'guid-9')?.canonicalKey).toBe('customer:1231');
    expect(t.createdBy('siagh', 'guid-9')).toBeUndefined();
    expect(t.announcedWrites('customer:1231')).toEqual([{ ...write, createdId: 'guid-9' }]);
    t.rememberIntent(intent({ createdId: 'guid-9', status: 'done' }));
    expect(t.createdBy('crm', 'guid-9')).toBeUndefined();
  });

  it('remembers what our last write on each side made, after its intent closes (the router tells echoes apart)', () => {
    const t = new RouteTables({} as EventCodec);
    const sum = 'a'.repeat(20) + 'b'.repeat(44);
    t.rememberIntent(intent({ checksum: sum, status: 'done', createdId: 'guid-9' }));
    expect(t.wroteLast('crm', 'customer:1231', sum)).toBe(true);
    expect(t.wroteLast('siagh', 'customer:1231', sum)).toBe(false);
    expect(t.wroteLast('crm', 'customer:1231', 'c'.repeat(64))).toBe(false);
    // An intent that closes nothing of ours (no write) leaves it.
    t.rememberIntent(intent({ checksum: 'c'.repeat(64), write: null, status: 'done' }));
    expect(t.wroteLast('crm', 'customer:1231', sum)).toBe(true);
  });
});
