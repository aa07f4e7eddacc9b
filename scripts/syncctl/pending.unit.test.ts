import { buildProgram, commanderExitCode } from './program';
import { age, formatPending, nextAttempt, type PendingItem } from './pending';

const NOW = Date.UTC(2026, 0, 10, 12, 0, 0);
const MIN = 60_000;

const item = (p: Partial<PendingItem>): PendingItem => ({
  canonicalKey: 'customer:1240',
  kind: 'customer',
  state: 'retrying',
  customerNumber: '100-1240',
  waitingFor: null,
  reasonCode: 'SIAGH_SERVER_ERROR',
  message: 'Siagh answered HTTP 503',
  sourceMessage: null,
  since: NOW - 25 * MIN,
  lastAttemptAt: NOW - 5 * MIN,
  nextAttemptAt: NOW + 55_000,
  attempts: 10,
  queued: 1,
  ...p,
});

async function usage(argv: string[]): Promise<number> {
  const program = buildProgram(() => undefined);
  program.configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
  for (const c of program.commands)
    c.configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
  try {
    await program.parseAsync(['node', 'syncctl', ...argv]);
    return -1;
  } catch (err) {
    return commanderExitCode(err);
  }
}

describe('syncctl pending', () => {
  it('shows ages the way an operator reads them', () => {
    expect(age(42_000)).toBe('42 s');
    expect(age(25 * MIN)).toBe('25 min');
    expect(age(210 * MIN)).toBe('3.5 h');
    expect(age(3 * 86_400_000)).toBe('3.0 d');
    expect(age(-5)).toBe('0 s');
  });

  it('says when the next attempt is: a time ahead, due when past, or what a quote waits on', () => {
    expect(nextAttempt(item({}), NOW)).toBe('in 55 s (2026-01-10T12:00:55Z)');
    expect(nextAttempt(item({ nextAttemptAt: NOW + 55_750 }), NOW)).toBe('in 56 s (2026-01-10T12:00:55Z)');
    expect(nextAttempt(item({ nextAttemptAt: NOW - MIN }), NOW)).toBe('due (2026-01-10T11:59:00Z)');
    expect(
      nextAttempt(item({ state: 'waiting-for-link', nextAttemptAt: null, waitingFor: 'crm:c0ffee' }), NOW),
    ).toBe('when crm:c0ffee is linked');
    expect(nextAttempt(item({ state: 'parked', nextAttemptAt: null }), NOW)).toBe('-');
  });

  it('prints counts per state, then one row per entity: age and UTC time, why, next attempt', () => {
    const out = formatPending(
      {
        items: [item({ sourceMessage: 'سرویس در دسترس نیست' })],
        more: true,
        counts: { total: 3, retrying: 1, parked: 0, 'waiting-for-link': 2, 'waiting-for-counterpart': 0 },
      },
      NOW,
    );
    const lines = out.split('\n');
    expect(lines[0]).toBe('3 waiting: 1 retrying, 2 waiting-for-link');
    expect(lines[1]).toMatch(/^entity\s+kind\s+customer\s+state\s+waiting\s+since\s+why\s+next attempt/);
    expect(lines[3]).toMatch(
      /^customer:1240\s+customer\s+100-1240\s+retrying\s+25 min\s+2026-01-10T11:35:00Z\s+SIAGH_SERVER_ERROR: سرویس در دسترس نیست\s+in 55 s \(2026-01-10T12:00:55Z\)\s+10\s+1$/,
    );
    expect(lines[4]).toBe('(more: raise --limit)');
    expect(formatPending({ items: [], more: false, counts: { total: 0 } }, NOW)).toBe('nothing waits');
  });

  it('refuses an unknown state or kind as a usage error (2)', async () => {
    expect(await usage(['pending', '--state', 'stuck'])).toBe(2);
    expect(await usage(['pending', '--kind', 'invoice'])).toBe(2);
    expect(await usage(['pending', '--limit', '0'])).toBe(2);
    expect(await usage(['pending', '--help'])).toBe(0);
  });
});
