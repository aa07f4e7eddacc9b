import { Ownership } from './ownership';

function setup(answers: Array<boolean | Error> = []) {
  let t = 1_000_000;
  const asked: number[] = [];
  let release: (() => void) | undefined;
  let hold = false;
  const o = new Ownership({
    freshMs: 2_000,
    now: () => t,
    ask: async () => {
      asked.push(t);
      if (hold) await new Promise<void>((r) => (release = r));
      const a = answers.shift() ?? true;
      if (a instanceof Error) throw a;
      return a;
    },
  });
  return {
    o,
    asked,
    advance: (ms: number) => (t += ms),
    holdAnswers: () => (hold = true),
    answer: () => release?.(),
  };
}

describe('Ownership', () => {
  it('owns nothing before a join and after a release, without asking', async () => {
    const { o, asked } = setup();
    expect(await o.holds()).toBe(false);
    o.joined();
    expect(await o.holds()).toBe(true);
    o.released();
    expect(await o.holds()).toBe(false);
    expect(asked).toEqual([]);
  });

  it('a heartbeat answered within freshMs is enough; an older one makes it ask the coordinator', async () => {
    const { o, asked, advance } = setup([true]);
    o.joined();
    for (let i = 0; i < 10; i++) {
      advance(1_000);
      o.tick();
      o.beat();
      expect(await o.holds()).toBe(true);
    }
    expect(asked).toEqual([]);
    advance(1_500);
    o.tick();
    advance(600); // 2.1 s since the last heartbeat
    o.tick();
    expect(await o.holds()).toBe(true);
    expect(asked).toHaveLength(1);
    // The answer counts from when it was asked: no second question right after.
    expect(await o.holds()).toBe(true);
    expect(asked).toHaveLength(1);
  });

  it('a member the coordinator no longer has owns nothing, and asks again next time', async () => {
    const { o, asked, advance } = setup([false, new Error('coordinator not available'), true]);
    o.joined();
    advance(5_000);
    expect(await o.holds()).toBe(false);
    expect(await o.holds()).toBe(false);
    expect(await o.holds()).toBe(true);
    expect(asked).toHaveLength(3);
  });

  it('after a pause (a late tick) a heartbeat answer is not trusted until the coordinator confirms', async () => {
    const { o, asked, advance } = setup([false, false]);
    o.joined();
    advance(30_000); // SIGSTOP ... SIGCONT
    o.beat(); // an answer that may have been sent before the pause
    expect(await o.holds()).toBe(false); // the tick has not run yet: the pause is seen by the clock
    o.tick();
    o.beat();
    expect(await o.holds()).toBe(false);
    expect(asked).toHaveLength(2);
  });

  it('concurrent callers share one question; a release while asking wins over a yes', async () => {
    const { o, asked, advance, holdAnswers, answer } = setup([true]);
    o.joined();
    advance(3_000);
    o.tick();
    holdAnswers();
    const all = Promise.all([o.holds(), o.holds(), o.holds()]);
    await new Promise((r) => setImmediate(r));
    o.released();
    answer();
    expect(await all).toEqual([false, false, false]);
    expect(asked).toHaveLength(1);
  });
});
