import { mergeOffsets } from './transactional';

describe('mergeOffsets (one transaction for the commits of several partitions)', () => {
  const at = (topic: string, partition: number, offset: string) => ({
    consumerGroupId: 'g',
    topics: [{ topic, partitions: [{ partition, offset }] }],
  });

  it('keeps every partition, and the furthest offset of a partition given twice', () => {
    expect(mergeOffsets([at('work', 0, '10'), at('work', 1, '4'), undefined, at('work', 0, '12')])).toEqual({
      consumerGroupId: 'g',
      topics: [
        {
          topic: 'work',
          partitions: [
            { partition: 0, offset: '12' },
            { partition: 1, offset: '4' },
          ],
        },
      ],
    });
  });

  it('nothing to commit gives undefined; offsets of two groups cannot share a transaction', () => {
    expect(mergeOffsets([undefined])).toBeUndefined();
    expect(() => mergeOffsets([at('a', 0, '1'), { ...at('a', 0, '1'), consumerGroupId: 'h' }])).toThrow(
      /one consumer group/,
    );
  });
});
