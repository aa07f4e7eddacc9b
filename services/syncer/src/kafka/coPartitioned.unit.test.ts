import { coPartition } from './coPartitioned';

describe('coPartition (the processor group assignor)', () => {
  it('gives every partition number to exactly one member, the same for whichever leader computes it', () => {
    const a = coPartition(['m-b', 'm-a', 'm-c'], [5, 0, 1, 2, 3, 4]);
    const b = coPartition(['m-c', 'm-a', 'm-b'], [0, 1, 2, 3, 4, 5]);
    expect(a).toEqual(b);
    expect([...a.values()].flat().sort()).toEqual([0, 1, 2, 3, 4, 5]);
    expect(a.get('m-a')).toEqual([0, 3]);
  });

  it('leaves a member without partitions when there are more members than partitions', () => {
    const plan = coPartition(['x', 'y', 'z'], [0, 1]);
    expect(plan.get('z')).toEqual([]);
  });
});
