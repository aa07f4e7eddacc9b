import { backlogOf, type LaneView } from './backlog';
import { PartitionLanes } from './lanes';

const lane = (
  id: string,
  oldestObservedAt: number | undefined,
  held: number,
  lastProgressAt: number,
): LaneView => ({
  lane: id,
  oldestObservedAt,
  held,
  lastProgressAt,
});

describe('how far behind the sync is', () => {
  const now = 1_000_000;

  it('is the age of the oldest change each queue holds, live and bulk apart; 0 when in sync', () => {
    const b = backlogOf(
      [
        lane('p.work:0', now - 37_000, 12, now - 1_000),
        lane('p.work:1', undefined, 0, now - 500_000),
        lane('p.work-bulk:0', now - 90_000, 5_000, now - 200),
        lane('p.work-bulk-crm:0', now - 120_000, 700, now - 200),
      ],
      'p.work',
      now,
      60_000,
    );
    expect(b.liveSeconds).toBe(37);
    expect(b.bulkSeconds).toBe(120);
    expect(b.partitions.map((p) => [p.topic, p.partition, p.held, p.oldestSeconds])).toEqual([
      ['p.work', 0, 12, 37],
      ['p.work', 1, 0, 0],
      ['p.work-bulk', 0, 5000, 90],
      ['p.work-bulk-crm', 0, 700, 120],
    ]);
    // Busy is not stalled: every lane with events committed within the minute.
    expect(b.stalled).toEqual([]);
    expect(backlogOf([], 'p.work', now, 60_000)).toMatchObject({ liveSeconds: 0, bulkSeconds: 0 });
  });

  it('a partition that holds events and has committed nothing for the stall time is stalled, since then', () => {
    const b = backlogOf(
      [lane('p.work:2', now - 300_000, 3, now - 61_000), lane('p.work:3', undefined, 0, now - 900_000)],
      'p.work',
      now,
      60_000,
    );
    expect(b.stalled.map((p) => [p.lane, p.stalledSince])).toEqual([['p.work:2', now - 61_000]]);
  });

  it('the lanes report their oldest uncommitted item, running or queued, and their last commit', async () => {
    let t = 5_000;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const lanes = new PartitionLanes<{ key: string; at: number }>({
      chunk: 2,
      highWater: 100,
      keyOf: (v) => v.key,
      process: () => gate,
      onError: () => undefined,
      now: () => t,
    });
    lanes.push('w:0', [
      { offset: '0', value: null },
      { offset: '1', value: { key: 'a', at: 10 } },
      { offset: '2', value: { key: 'b', at: 20 } },
    ]);
    t = 9_000;
    // The running chunk holds offsets 0 and 1: the oldest decodable item is offset 1's.
    expect(lanes.holdings()).toEqual([
      { lane: 'w:0', oldest: { key: 'a', at: 10 }, held: 3, lastProgressAt: 5_000 },
    ]);
    release();
    await lanes.idle();
    expect(lanes.holdings()).toEqual([{ lane: 'w:0', oldest: undefined, held: 0, lastProgressAt: 9_000 }]);
  });
});
