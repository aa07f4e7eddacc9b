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

  it('a member the coordinator no longer has owns nothing until it joins again; one it cannot ask, asks again', async () => {
    const { o, asked, advance } = setup([new Error('coordinator not available'), true, false, true]);
    o.joined();
    advance(5_000);
    expect(await o.holds()).toBe(false); // unreachable: not known, asked again next time
    expect(o.isMember).toBe(true);
    expect(await o.holds()).toBe(true);
    advance(5_000);
    expect(await o.holds()).toBe(false); // out of the group
    expect(o.isMember).toBe(false);
    expect(await o.holds()).toBe(false);
    expect(asked).toHaveLength(3);
    o.joined();
    expect(await o.holds()).toBe(true);
  });

  it('an answer read after the process was paused is not trusted', async () => {
    const { o, asked, advance, holdAnswers, answer } = setup([true, true]);
    o.joined();
    advance(3_000);
    o.tick();
    holdAnswers();
    const pending = o.holds();
    await new Promise((r) => setImmediate(r));
    advance(30_000); // SIGSTOP while the answer was on its way
    o.tick();
    answer();
    expect(await pending).toBe(false);
    expect(asked).toHaveLength(1);
  });

  it('after a pause (a late tick) a heartbeat answer is not trusted until the coordinator confirms', async () => {
    const { o, asked, advance } = setup([true, true]);
    o.joined();
    advance(30_000); // SIGSTOP ... SIGCONT
    o.beat(); // an answer that may have been sent before the pause
    expect(await o.holds()).toBe(true); // the tick has not run yet: the clock shows the pause, so it asked
    expect(asked).toHaveLength(1);
    o.tick(); // the late tick: beats are distrusted again until the next answer
    o.beat();
    expect(await o.holds()).toBe(true);
    expect(asked).toHaveLength(2);
    expect(await o.holds()).toBe(true); // confirmed: no question while fresh
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
