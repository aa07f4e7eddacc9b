import { PartitionLanes, type Queued } from './lanes';

const items = (from: number, n: number): Queued<number>[] =>
  Array.from({ length: n }, (_, i) => ({ offset: String(from + i), value: from + i }));

const keyed = (pairs: [number, string][]): Queued<{ n: number; key: string }>[] =>
  pairs.map(([n, key]) => ({ offset: String(n), value: { n, key } }));

function recorder(
  opts: {
    chunk?: number;
    highWater?: number;
    delayMs?: number;
    failAt?: number;
    keyOf?: (n: number) => string;
  } = {},
) {
  const chunks: { lane: string; values: number[]; last: string; epoch: number }[] = [];
  const errors: { lane: string; first: string }[] = [];
  const pressure: { lane: string; paused: boolean }[] = [];
  const lanes = new PartitionLanes<number>({
    chunk: opts.chunk ?? 3,
    highWater: opts.highWater ?? 100,
    keyOf: opts.keyOf ?? ((n) => `k${n}`),
    process: async (lane, values, last, epoch) => {
      await new Promise((r) => setTimeout(r, opts.delayMs ?? 1));
      if (opts.failAt !== undefined && values.includes(opts.failAt)) throw new Error('commit failed');
      chunks.push({ lane, values, last, epoch });
    },
    onError: (_err, lane, first) => errors.push({ lane, first }),
    onPressure: (lane, paused) => pressure.push({ lane, paused }),
  });
  return { lanes, chunks, errors, pressure };
}

describe('PartitionLanes', () => {
  it('processes each lane in offset order, in chunks, and reports the last offset of each', async () => {
    const { lanes, chunks } = recorder({ chunk: 3 });
    expect(lanes.push('w:0', items(10, 7))).toBe('16');
    lanes.push('w:1', items(50, 2));
    await lanes.idle();
    const p0 = chunks.filter((c) => c.lane === 'w:0');
    expect(p0.map((c) => c.values)).toEqual([[10, 11, 12], [13, 14, 15], [16]]);
    expect(p0.map((c) => c.last)).toEqual(['12', '15', '16']);
    expect(chunks.filter((c) => c.lane === 'w:1').map((c) => c.values)).toEqual([[50, 51]]);
  });

  it('a slow lane does not hold up another one', async () => {
    const order: string[] = [];
    const lanes = new PartitionLanes<number>({
      chunk: 10,
      highWater: 100,
      keyOf: (n) => String(n),
      process: async (lane) => {
        await new Promise((r) => setTimeout(r, lane === 'w:0' ? 80 : 1));
        order.push(lane);
      },
      onError: () => undefined,
    });
    lanes.push('w:0', items(0, 1));
    lanes.push('w:1', items(100, 1));
    await lanes.idle();
    expect(order).toEqual(['w:1', 'w:0']);
  });

  it('an undecodable record (null value) still moves the chunk offset', async () => {
    const { lanes, chunks } = recorder({ chunk: 5 });
    lanes.push('w:0', [
      { offset: '1', value: 1 },
      { offset: '2', value: null },
    ]);
    await lanes.idle();
    expect(chunks).toEqual([{ lane: 'w:0', values: [1], last: '2', epoch: 0 }]);
  });

  it('push never waits: a full lane asks for a pause, and for a resume once half empty', async () => {
    const { lanes, chunks, pressure } = recorder({ chunk: 1, highWater: 4, delayMs: 5 });
    expect(lanes.push('w:0', items(0, 8))).toBe('7');
    expect(pressure).toEqual([{ lane: 'w:0', paused: true }]);
    await lanes.idle();
    expect(pressure).toEqual([
      { lane: 'w:0', paused: true },
      { lane: 'w:0', paused: false },
    ]);
    expect(chunks.map((c) => c.values[0])).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('reset drops what is queued, resumes paused lanes, and the running chunk is told its old epoch', async () => {
    const { lanes, chunks, pressure } = recorder({ chunk: 1, highWater: 2, delayMs: 20 });
    lanes.push('w:0', items(0, 5));
    await new Promise((r) => setTimeout(r, 5));
    lanes.reset();
    expect(pressure.at(-1)).toEqual({ lane: 'w:0', paused: false });
    await lanes.idle();
    expect(chunks.every((c) => c.epoch === 0)).toBe(true);
    expect(chunks.length).toBeLessThan(5);
    expect(lanes.epoch).toBe(1);
  });

  it('a failed chunk drops the rest of its lane and reports where to read again', async () => {
    const { lanes, chunks, errors } = recorder({ chunk: 2, failAt: 3 });
    lanes.push('w:0', items(0, 8));
    await lanes.idle();
    expect(chunks.map((c) => c.values)).toEqual([[0, 1]]);
    expect(errors).toEqual([{ lane: 'w:0', first: '2' }]);
  });
});

describe('PartitionLanes across topics: one entity is never in two running chunks', () => {
  it('a lane takes only the prefix whose keys no other lane holds, and the rest once that chunk ends', async () => {
    const running = new Map<string, string>();
    const overlaps: string[] = [];
    const seen: { lane: string; ns: number[] }[] = [];
    const lanes = new PartitionLanes<{ n: number; key: string }>({
      chunk: 10,
      highWater: 100,
      keyOf: (v) => v.key,
      process: async (lane, values) => {
        for (const v of values) {
          const other = running.get(v.key);
          if (other !== undefined && other !== lane) overlaps.push(v.key);
          running.set(v.key, lane);
        }
        seen.push({ lane, ns: values.map((v) => v.n) });
        await new Promise((r) => setTimeout(r, 30));
        for (const v of values) running.delete(v.key);
      },
      onError: () => undefined,
    });
    lanes.push(
      'bulk:0',
      keyed([
        [1, 'a'],
        [2, 'b'],
        [3, 'c'],
      ]),
    );
    // b is in the bulk lane's running chunk: the live lane takes 10 (key x) at once, then waits for b.
    lanes.push(
      'work:0',
      keyed([
        [10, 'x'],
        [11, 'b'],
        [12, 'y'],
      ]),
    );
    await lanes.idle();
    expect(overlaps).toEqual([]);
    expect(seen).toEqual([
      { lane: 'bulk:0', ns: [1, 2, 3] },
      { lane: 'work:0', ns: [10] },
      { lane: 'work:0', ns: [11, 12] },
    ]);
  });
});

describe('PartitionLanes.drain (graceful stop)', () => {
  it('lets the running chunk finish and drops what has not started', async () => {
    const { lanes, chunks } = recorder({ chunk: 2, delayMs: 30 });
    lanes.push('w:0', items(0, 10));
    await new Promise((r) => setTimeout(r, 5));
    await lanes.drain();
    expect(chunks.map((c) => c.values)).toEqual([[0, 1]]);
    expect(lanes.queued).toBe(0);
  });
});
