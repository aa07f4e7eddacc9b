import { PartitionLanes, type Queued } from './lanes';

const items = (from: number, n: number): Queued<number>[] =>
  Array.from({ length: n }, (_, i) => ({ offset: String(from + i), value: from + i }));

function recorder(opts: { chunk?: number; maxQueued?: number; delayMs?: number; failAt?: number } = {}) {
  const chunks: { partition: number; values: number[]; last: string; epoch: number }[] = [];
  const errors: { partition: number; first: string }[] = [];
  const lanes = new PartitionLanes<number>({
    chunk: opts.chunk ?? 3,
    maxQueued: opts.maxQueued ?? 100,
    process: async (partition, values, last, epoch) => {
      await new Promise((r) => setTimeout(r, opts.delayMs ?? 1));
      if (opts.failAt !== undefined && values.includes(opts.failAt)) throw new Error('commit failed');
      chunks.push({ partition, values, last, epoch });
    },
    onError: (_err, partition, first) => errors.push({ partition, first }),
  });
  return { lanes, chunks, errors };
}

describe('PartitionLanes', () => {
  it('processes each partition in offset order, in chunks, and reports the last offset of each', async () => {
    const { lanes, chunks } = recorder({ chunk: 3 });
    expect(await lanes.push(0, items(10, 7), () => true)).toBe('16');
    await lanes.push(1, items(50, 2), () => true);
    await lanes.idle();
    const p0 = chunks.filter((c) => c.partition === 0);
    expect(p0.map((c) => c.values)).toEqual([[10, 11, 12], [13, 14, 15], [16]]);
    expect(p0.map((c) => c.last)).toEqual(['12', '15', '16']);
    expect(chunks.filter((c) => c.partition === 1).map((c) => c.values)).toEqual([[50, 51]]);
  });

  it('a slow partition does not hold up another one', async () => {
    const order: number[] = [];
    const lanes = new PartitionLanes<number>({
      chunk: 10,
      maxQueued: 100,
      process: async (partition) => {
        await new Promise((r) => setTimeout(r, partition === 0 ? 80 : 1));
        order.push(partition);
      },
      onError: () => undefined,
    });
    await lanes.push(0, items(0, 1), () => true);
    await lanes.push(1, items(0, 1), () => true);
    await lanes.idle();
    expect(order).toEqual([1, 0]);
  });

  it('an undecodable record (null value) still moves the chunk offset', async () => {
    const { lanes, chunks } = recorder({ chunk: 5 });
    await lanes.push(
      0,
      [
        { offset: '1', value: 1 },
        { offset: '2', value: null },
      ],
      () => true,
    );
    await lanes.idle();
    expect(chunks).toEqual([{ partition: 0, values: [1], last: '2', epoch: 0 }]);
  });

  it('push waits while the lane is full (back-pressure on the fetch loop)', async () => {
    const { lanes, chunks } = recorder({ chunk: 1, maxQueued: 2, delayMs: 20 });
    let done = false;
    const pushing = lanes
      .push(0, items(0, 6), () => true)
      .then((last) => {
        done = true;
        return last;
      });
    await new Promise((r) => setTimeout(r, 10));
    expect(done).toBe(false);
    expect(lanes.queued).toBeLessThanOrEqual(2);
    expect(await pushing).toBe('5');
    await lanes.idle();
    expect(chunks.map((c) => c.values[0])).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('reset drops what is queued; the running chunk is told its old epoch; a waiting push gives up', async () => {
    const { lanes, chunks } = recorder({ chunk: 1, maxQueued: 1, delayMs: 20 });
    const pushing = lanes.push(0, items(0, 5), () => true);
    await new Promise((r) => setTimeout(r, 5));
    lanes.reset();
    expect(await pushing).toBeNull();
    await lanes.idle();
    expect(chunks.every((c) => c.epoch === 0)).toBe(true);
    expect(chunks.length).toBeLessThan(5);
    expect(lanes.epoch).toBe(1);
  });

  it('a failed chunk drops the rest of its lane and reports where to read again', async () => {
    const { lanes, chunks, errors } = recorder({ chunk: 2, failAt: 3 });
    await lanes.push(0, items(0, 8), () => true);
    await lanes.idle();
    expect(chunks.map((c) => c.values)).toEqual([[0, 1]]);
    expect(errors).toEqual([{ partition: 0, first: '2' }]);
  });
});

describe('PartitionLanes.drain (graceful stop)', () => {
  it('lets the running chunk finish and drops what has not started', async () => {
    const { lanes, chunks } = recorder({ chunk: 2, delayMs: 30 });
    await lanes.push(0, items(0, 10), () => true);
    await new Promise((r) => setTimeout(r, 5));
    await lanes.drain();
    expect(chunks.map((c) => c.values)).toEqual([[0, 1]]);
    expect(lanes.queued).toBe(0);
  });
});
