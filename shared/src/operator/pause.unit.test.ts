import {
  activePauses,
  decodePauseFlag,
  describePause,
  encodePauseFlag,
  howToLift,
  MAPPING_CHECK,
  pauseOf,
  signPauseFlag,
  verifyPauseFlag,
  type PauseFlag,
} from './pause';

const KEY = 'k'.repeat(40);
const flag = (scope: string, paused = true, at = 1_000): PauseFlag =>
  ({ scope, paused, reason: 'fiscal-year close', by: 'maryam', at }) as PauseFlag;

describe('pause flags', () => {
  it('round-trip through their record; anything else is not a flag', () => {
    const f = flag('siagh');
    expect(decodePauseFlag(encodePauseFlag(f))).toEqual(f);
    for (const bad of ['{', '{"scope":"everything","paused":true,"reason":null,"by":null,"at":1}', '[]'])
      expect(decodePauseFlag(Buffer.from(bad))).toBeNull();
    expect(decodePauseFlag(Buffer.from(JSON.stringify({ ...f, extra: 1 })))).toBeNull();
    expect(decodePauseFlag(null)).toBeNull();
    expect(() => encodePauseFlag({ ...f, scope: 'customer:abc' as never })).toThrow();
  });

  it('are signed: a changed field, another key or no header is refused', () => {
    const f = flag('all');
    const sig = signPauseFlag(f, KEY);
    expect(verifyPauseFlag(f, sig, KEY)).toBe('valid');
    expect(verifyPauseFlag({ ...f, paused: false }, sig, KEY)).toBe('invalid');
    expect(verifyPauseFlag(f, sig, 'x'.repeat(40))).toBe('invalid');
    expect(verifyPauseFlag(f, undefined, KEY)).toBe('missing');
    expect(verifyPauseFlag(f, sig, undefined)).toBe('invalid');
  });

  it('stop a write by all, by the customer, or by the side written; a lifted flag stops nothing', () => {
    const flags = new Map<string, PauseFlag>([
      ['siagh', flag('siagh', true, 3)],
      ['customer:7', flag('customer:7', true, 2)],
      ['crm', flag('crm', false, 1)],
    ]);
    expect(pauseOf(flags, ['customer:1'], 'siagh')?.scope).toBe('siagh');
    expect(pauseOf(flags, ['customer:1'], 'crm')).toBeUndefined();
    expect(pauseOf(flags, ['customer:1'])).toBeUndefined();
    expect(pauseOf(flags, ['customer:7'])?.scope).toBe('customer:7');
    expect(pauseOf(flags, ['customer:7'], 'crm')?.scope).toBe('customer:7');
    // A quote of customer 7, or customer 7 known by another key before its number: held too.
    expect(pauseOf(flags, ['preinvoice:q-1', 'customer:7'], 'siagh')?.scope).toBe('customer:7');
    flags.set('all', flag('all', true, 4));
    expect(pauseOf(flags, ['customer:1'])?.scope).toBe('all');
    expect(activePauses(flags).map((f) => f.scope)).toEqual(['customer:7', 'siagh', 'all']);
  });

  it('read as a sentence', () => {
    expect(describePause(flag('siagh'))).toBe(
      'writes to siagh paused by maryam since 1970-01-01T00:00:01.000Z: fiscal-year close',
    );
    expect(describePause({ ...flag('all'), by: null, reason: null })).toBe(
      'all writes paused since 1970-01-01T00:00:01.000Z',
    );
  });
});

describe('howToLift: what an operator does about a pause', () => {
  const flag = (scope: string, by: string | null = 'ops') =>
    ({ scope, paused: true, reason: null, by, at: 1 }) as PauseFlag;
  it("names the resume for an operator's pause and says the mapping check's lifts itself", () => {
    expect(howToLift(flag('all'))).toBe('syncctl resume');
    expect(howToLift(flag('siagh'))).toBe('syncctl resume --side siagh');
    expect(howToLift(flag('customer:1234'))).toBe('syncctl resume 1234');
    expect(howToLift(flag('all', MAPPING_CHECK))).toMatch(/lifts itself once the poller and the syncer read/);
  });
});
