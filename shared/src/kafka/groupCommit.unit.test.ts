import { GroupCommit } from './groupCommit';

function deferred() {
  let resolve!: () => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

function recorder() {
  const batches: number[][] = [];
  const acks: ReturnType<typeof deferred>[] = [];
  const gc = new GroupCommit<number>({
    maxBatch: 3,
    send: (m) => {
      batches.push(m);
      const d = deferred();
      acks.push(d);
      return d.promise;
    },
  });
  return { gc, batches, acks };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('GroupCommit', () => {
  it('sends the first message at once and groups the ones that arrive meanwhile', async () => {
    const { gc, batches, acks } = recorder();
    const settled: number[] = [];
    const subs = [1, 2, 3, 4, 5].map((n) => gc.submit(n));
    subs.forEach((s, i) => void s.done.then(() => settled.push(i + 1)));
    expect(batches).toEqual([[1]]);
    expect(gc.size).toBe(5);
    acks[0]!.resolve();
    await tick();
    expect(settled).toEqual([1]);
    expect(batches).toEqual([[1], [2, 3, 4]]);
    acks[1]!.resolve();
    await tick();
    expect(settled).toEqual([1, 2, 3, 4]);
    expect(batches[2]).toEqual([5]);
    acks[2]!.resolve();
    await tick();
    expect(settled).toEqual([1, 2, 3, 4, 5]);
    expect(gc.size).toBe(0);
  });

  it('rejects every caller of a failed batch and goes on with the next', async () => {
    const { gc, batches, acks } = recorder();
    const a = gc.submit(1);
    const b = gc.submit(2);
    acks[0]!.reject(new Error('broker down'));
    await expect(a.done).rejects.toThrow('broker down');
    acks[1]!.resolve();
    await expect(b.done).resolves.toBeUndefined();
    expect(batches).toEqual([[1], [2]]);
  });

  it('a synchronous throw of send rejects the batch instead of escaping', async () => {
    const gc = new GroupCommit<number>({
      maxBatch: 10,
      send: () => {
        throw new Error('not connected');
      },
    });
    await expect(gc.submit(1).done).rejects.toThrow('not connected');
    expect(gc.size).toBe(0);
  });

  it('a withdrawn message is never sent; one already on the wire cannot be withdrawn', async () => {
    const { gc, batches, acks } = recorder();
    const first = gc.submit(1);
    const second = gc.submit(2);
    expect(first.withdraw()).toBe(false);
    expect(second.withdraw()).toBe(true);
    acks[0]!.resolve();
    await first.done;
    await tick();
    expect(batches).toEqual([[1]]);
    expect(gc.size).toBe(0);
  });

  it('abandon rejects the stuck batch and the queue moves on; its late ack changes nothing', async () => {
    const { gc, batches, acks } = recorder();
    const stuck = gc.submit(1);
    const next = gc.submit(2);
    gc.abandon(new Error('producer replaced'));
    await expect(stuck.done).rejects.toThrow('producer replaced');
    expect(batches).toEqual([[1], [2]]);
    expect(gc.sendsOutstanding).toBe(2);
    acks[0]!.resolve(); // the old producer answers after all
    await tick();
    expect(gc.sendsOutstanding).toBe(1);
    expect(gc.size).toBe(1); // still waiting for batch [2]
    acks[1]!.resolve();
    await expect(next.done).resolves.toBeUndefined();
  });
});
