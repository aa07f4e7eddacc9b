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

describe('kafkajs log levels', () => {
  it('an expected CONCURRENT_TRANSACTIONS retry is debug, other errors stay errors', async () => {
    const { kafkajsLevel, logLevel } = await import('./client');
    const concurrent =
      'The producer attempted to update a transaction while another concurrent operation on the same transaction was ongoing';
    expect(kafkajsLevel(logLevel.ERROR, { error: concurrent })).toBe('debug');
    expect(kafkajsLevel(logLevel.ERROR, { message: `Failed to send messages: ${concurrent}` })).toBe('debug');
    expect(kafkajsLevel(logLevel.ERROR, { error: 'Connection timeout' })).toBe('error');
    expect(kafkajsLevel(logLevel.WARN, {})).toBe('warn');
  });
});
