import { CliError } from './errors';
import { appliedBy, scopesOf } from './pause';
import { formatStatus, pausesOf } from './status';

describe('syncctl pause', () => {
  it('names its scopes: customers in either form, else a side, else everything', () => {
    expect(scopesOf([], undefined)).toEqual(['all']);
    expect(scopesOf([], 'siagh')).toEqual(['siagh']);
    expect(scopesOf(['100-1231', '1232'], undefined)).toEqual(['customer:1231', 'customer:1232']);
    expect(() => scopesOf(['12a'], undefined)).toThrow(CliError);
    expect(() => scopesOf(['0'], undefined)).toThrow('not a customer number: 0');
    expect(() => scopesOf(['1231'], 'crm')).toThrow('not both');
  });

  it('reads the pauses the syncer reports, and says when there are none', () => {
    const flag = { scope: 'siagh', paused: true, reason: 'fiscal-year close', by: 'maryam', at: 0 };
    expect(pausesOf({ ready: true, paused: [flag] })).toEqual([flag]);
    expect(pausesOf({ ready: true })).toBeNull(); // a syncer from before pauses
    expect(pausesOf(null)).toBeNull();
    // status: a Writes section from the syncer's report, with the command that lifts each pause.
    const syncer = (paused: unknown[]) => ({
      services: [{ name: 'syncer', url: 'u', health: 'up' as const, ready: true, detail: { paused } }],
      kafka: { reachable: true, groups: [] },
      watch: null,
      counts: null,
    });
    expect(formatStatus(syncer([flag, { ...flag, scope: 'customer:1231', reason: null }]), false)).toContain(
      [
        'Writes',
        '  PAUSED: writes to siagh paused by maryam since 1970-01-01T00:00:00.000Z: fiscal-year close (syncctl resume --side siagh)',
        '  PAUSED: customer:1231 paused by maryam since 1970-01-01T00:00:00.000Z (syncctl resume 1231)',
      ].join('\n'),
    );
    expect(formatStatus(syncer([]), false)).toContain('Writes\n  every write goes ahead (no pause)');
  });
});

describe('syncctl pause: applied by every syncer', () => {
  const flag = (scope: string) => ({ scope, paused: true, reason: null, by: null, at: 1 }) as never;
  it('names the syncers that do not read the flags as asked', () => {
    const syncers = [
      { url: 'http://a', reachable: true, paused: [flag('siagh')] },
      { url: 'http://b', reachable: true, paused: [] },
      { url: 'http://c', reachable: false },
      { url: 'http://d', reachable: true }, // a syncer from before pauses reports none
    ];
    expect(appliedBy(syncers, ['siagh'], true)).toEqual({
      applied: ['http://a'],
      missing: ['http://b', 'http://c', 'http://d'],
      known: true,
    });
    expect(appliedBy(syncers, ['siagh'], false).applied).toEqual(['http://b']);
    expect(appliedBy([], ['all'], true)).toEqual({ applied: [], missing: [], known: false });
  });
});
