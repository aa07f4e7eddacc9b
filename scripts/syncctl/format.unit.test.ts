import { asciiDigits, parseEntityRef, parseTime, table, truncate } from './format';
import { partitionLag } from '@siaghsync/shared/kafka/lag';
import { classify, CliError, EXIT, isUnreachable } from './errors';
import { statusExitCode, type StatusReport } from './status';
import { resolutionBody } from './conflicts';
import { mapBackfillExit, parseSummary } from './backfill';
import { countRows, formatImportSummary } from './importSummary';
import { assertInactive } from './replay';

describe('syncctl formatting and argument parsing', () => {
  it('reads times as ISO with zone, epoch ms or a duration ago', () => {
    const now = Date.parse('2025-03-01T12:00:00Z');
    expect(parseTime('2025-03-01T10:00:00Z', now)).toBe(Date.parse('2025-03-01T10:00:00Z'));
    expect(parseTime('2025-03-01T10:00:00+03:30', now)).toBe(Date.parse('2025-03-01T06:30:00Z'));
    expect(parseTime('2025-03-01', now)).toBe(Date.parse('2025-03-01T00:00:00Z'));
    expect(parseTime('1740830400000', now)).toBe(1740830400000);
    expect(parseTime('15m', now)).toBe(now - 15 * 60_000);
    expect(parseTime('2h ago', now)).toBe(now - 7_200_000);
    expect(parseTime('1d', now)).toBe(now - 86_400_000);
    for (const bad of ['yesterday', '2025-03-01T10:00:00', '10', '-5m', ''])
      expect(() => parseTime(bad, now)).toThrow(/ISO 8601/);
  });

  it('tells customer numbers (any digits), canonical keys and other ids apart', () => {
    expect(parseEntityRef('100-۱۲۳')).toEqual({ kind: 'customerNumber', n: '123' });
    expect(parseEntityRef(' customer:42 ')).toEqual({ kind: 'canonical', key: 'customer:42' });
    expect(parseEntityRef('5001')).toEqual({ kind: 'any', q: '5001' });
    expect(parseEntityRef('3f2c-guid')).toEqual({ kind: 'any', q: '3f2c-guid' });
    expect(() => parseEntityRef('  ')).toThrow(/customer number/);
    expect(asciiDigits('٤٥۶')).toBe('456');
  });

  it('prints aligned tables with numbers on the right and - for missing', () => {
    expect(
      table(
        ['name', 'lag'],
        [
          ['syncer', 5],
          ['router', 120],
          ['x', null],
        ],
      ),
    ).toBe(['name    lag', '------  ---', 'syncer    5', 'router  120', 'x         -'].join('\n'));
    expect(truncate('abcdef', 4)).toBe('abc…');
    expect(truncate(null, 4)).toBe('-');
  });

  it('computes lag from committed and end offsets (no commit = everything since the low mark)', () => {
    expect(partitionLag('7', '10')).toEqual({ committed: 7, lag: 3 });
    expect(partitionLag('-1', '10', '4')).toEqual({ committed: null, lag: 6 });
    expect(partitionLag('12', '10')).toEqual({ committed: 12, lag: 0 });
  });

  it('lists every group with how long it has been behind and its stalled partitions, from the projector', async () => {
    const { formatStatus } = await import('./status');
    const now = Date.parse('2026-12-04T14:10:00Z');
    const part = (group: string, lag: number) => ({
      group,
      topic: 'changes',
      partition: 0,
      committed: 5,
      end: 5 + lag,
      lag,
    });
    const groups = [
      {
        group: 'siaghsync-router',
        state: 'Stable',
        members: 1,
        lag: 40,
        partitions: [part('siaghsync-router', 40)],
      },
      {
        group: 'siaghsync-projector',
        state: 'Empty',
        members: 0,
        lag: 0,
        partitions: [part('siaghsync-projector', 0)],
      },
    ];
    const report = {
      services: [],
      kafka: { reachable: true, groups },
      watch: {
        stallAfterSeconds: 60,
        groups: [
          {
            group: 'siaghsync-router',
            state: 'Stable',
            members: 1,
            lag: 40,
            behindSeconds: 300,
            stalled: [{ topic: 'changes', partition: 0, lag: 40, since: now - 120_000 }],
          },
          { group: 'siaghsync-projector', state: 'Empty', members: 0, lag: 0, behindSeconds: 0, stalled: [] },
        ],
      },
      counts: null,
    };
    const text = formatStatus(report, false, now);
    expect(text).toMatch(/siaghsync-router\s+Stable\s+1\s+40\s+5\.0 min\s+changes\/0 for 2\.0 min/);
    expect(text).toMatch(/siaghsync-projector\s+Empty\s+0\s+0\s+-\s+none/);
    expect(formatStatus({ ...report, watch: null }, false, now)).toContain(
      'the projector samples them and does not answer',
    );
  });

  it("leaves a caught-up group's commit markers (lag 1) out of the partitions with lag, and says so", async () => {
    const { formatStatus } = await import('./status');
    const now = Date.parse('2026-12-07T18:10:00Z');
    const p = (group: string, partition: number, lag: number) => ({
      group,
      topic: 'work',
      partition,
      committed: 100,
      end: 100 + lag,
      lag,
    });
    const health = (group: string, behindSeconds: number) => ({
      group,
      state: 'Stable',
      members: 1,
      lag: 0,
      behindSeconds,
      stalled: [],
    });
    const report: StatusReport = {
      services: [],
      kafka: {
        reachable: true,
        groups: [
          {
            group: 'quiet',
            state: 'Stable',
            members: 1,
            lag: 2,
            partitions: [p('quiet', 0, 1), p('quiet', 1, 1)],
          },
          {
            group: 'busy',
            state: 'Stable',
            members: 1,
            lag: 4,
            partitions: [p('busy', 0, 1), p('busy', 1, 3)],
          },
        ],
      },
      watch: { stallAfterSeconds: 60, groups: [health('quiet', 0), health('busy', 12)] },
      counts: null,
    };
    const text = formatStatus(report, false, now);
    const listed = text.slice(text.indexOf('Partitions with lag'));
    expect(listed).not.toMatch(/^quiet/m);
    expect(listed).toMatch(/^busy\s+work\s+0\s+100\s+101\s+1$/m);
    expect(listed).toMatch(/^busy\s+work\s+1\s+100\s+103\s+3$/m);
    expect(text).toContain('2 partitions at a lag of 1 in groups the projector last found caught up');
    expect(formatStatus(report, true, now)).toMatch(/^quiet\s+work\s+1\s+100\s+101\s+1$/m);
  });

  it('maps status to exit codes: unreachable 3, not ready 1, else 0', () => {
    const base: StatusReport = {
      services: [{ name: 'a', url: 'u', health: 'up', ready: true, detail: null }],
      kafka: { reachable: true, groups: [] },
      watch: null,
      counts: null,
    };
    expect(statusExitCode(base)).toBe(0);
    const stalled = { topic: 'changes', partition: 2, lag: 40, since: 0 };
    const group = { group: 'g', state: 'Stable', members: 1, lag: 40, behindSeconds: 90 };
    expect(
      statusExitCode({
        ...base,
        watch: { stallAfterSeconds: 60, groups: [{ ...group, stalled: [stalled] }] },
      }),
    ).toBe(1);
    expect(
      statusExitCode({ ...base, watch: { stallAfterSeconds: 60, groups: [{ ...group, stalled: [] }] } }),
    ).toBe(0);
    expect(statusExitCode({ ...base, services: [{ ...base.services[0]!, ready: false }] })).toBe(1);
    expect(
      statusExitCode({ ...base, services: [{ ...base.services[0]!, health: 'down', ready: null }] }),
    ).toBe(3);
    expect(statusExitCode({ ...base, kafka: { reachable: false, groups: [] } })).toBe(3);
  });

  it('classifies errors: CliError keeps its code, config 78, connection refused 3, the rest 1', () => {
    expect(classify(new CliError(EXIT.usage, 'x')).exitCode).toBe(2);
    expect(classify(Object.assign(new Error('bad env'), { name: 'ConfigError' })).exitCode).toBe(78);
    expect(
      classify(new Error('fetch failed', { cause: Object.assign(new Error('x'), { code: 'ECONNREFUSED' }) }))
        .exitCode,
    ).toBe(3);
    expect(isUnreachable(new Error('boom'))).toBe(false);
    expect(classify(new Error('boom'))).toEqual({ exitCode: 1, message: 'boom' });
  });

  it('checks conflict choice and value together', () => {
    expect(resolutionBody({ choice: 'crm', by: 'maryam' })).toEqual({ choice: 'crm', resolvedBy: 'maryam' });
    expect(resolutionBody({ choice: 'value', value: '"x"' })).toEqual({ choice: 'value', value: '"x"' });
    expect(() => resolutionBody({ choice: 'value' })).toThrow(/needs --value/);
    // Bare text is refused before anything is sent, as a usage error (exit 2) saying how to quote it.
    let bare: unknown;
    try {
      resolutionBody({ choice: 'value', value: 'Tehran' });
    } catch (err) {
      bare = err;
    }
    expect(bare).toMatchObject({ exitCode: 2 });
    expect((bare as Error).message).toMatch(/--value must be JSON/);
    expect(() => resolutionBody({ choice: 'siagh', value: 'x' })).toThrow(/only goes with/);
  });

  it('maps the poller backfill exit codes and reads its summary', () => {
    expect([0, 1, 2, 78, null].map(mapBackfillExit)).toEqual([0, 1, 1, 78, 1]);
    const text =
      'backfill r1\nsource  read      emitted   skipped   errors    collisions  list        correlation\n' +
      'crm     10        9         1         0         2           complete    c-1\n' +
      'siagh   5         5         0         2         0           INCOMPLETE  c-2\n';
    expect(parseSummary(text)).toEqual([
      {
        source: 'crm',
        read: 10,
        emitted: 9,
        skipped: 1,
        errors: 0,
        collisions: 2,
        complete: true,
        correlationId: 'c-1',
      },
      {
        source: 'siagh',
        read: 5,
        emitted: 5,
        skipped: 0,
        errors: 2,
        collisions: 0,
        complete: false,
        correlationId: 'c-2',
      },
    ]);
  });

  it("prints the import's summary in the dry run's rows, and says when it is not finished", () => {
    const result = {
      events: 10,
      decided: 8,
      pairs: 3,
      pairsIdentical: 2,
      pairsDiffering: 1,
      differingFields: 2,
      creates: { crm: 1, siagh: 2 },
      notCreated: 1,
      updates: { crm: 1, siagh: 0 },
      conflictsOpen: 1,
      conflictsAutoResolved: 1,
      deadLettered: 0,
      unsettled: 2,
    };
    const base = { correlationIds: ['c-1', 'c-2'], emitted: 10, result };
    const done = formatImportSummary({
      ...base,
      read: { crm: 6, siagh: 4 },
      collisions: { crm: 0, siagh: 1 },
      complete: true,
    });
    expect(done).toMatch(/^import summary \(what the syncer did/);
    expect(done).toMatch(/pairs linked\s+3\b/);
    expect(done).toMatch(/created in siagh\s+2\b/);
    expect(done).toMatch(/collisions siagh\s+1\b/);
    expect(done).toMatch(/events decided\s+8\/10/);
    const cut = formatImportSummary({ ...base, read: null, collisions: null, complete: false });
    expect(cut).toMatch(/NOT FINISHED, 8 of 10 events decided/);
    expect(cut).toMatch(/--summary-of c-1,c-2 --emitted 10/);
    expect(cut).toMatch(/read crm\s+-/);
    // Asked later without the emitted count: never called finished, and it says why.
    const later = formatImportSummary({
      ...base,
      emitted: null,
      read: null,
      collisions: null,
      complete: false,
    });
    expect(later).toMatch(/^import summary SO FAR: 8 events decided .*add --emitted/);
    expect(later).toMatch(/events decided\s+8\s*$/m);
    // The preview and the summary list the same things in the same order.
    const labels = (t: string) =>
      t
        .split('\n')
        .slice(3, 18)
        .map((l) => l.trim().split(/\s{2,}/)[0]);
    expect(labels(done)).toEqual(
      countRows({ ...result, read: { crm: 0, siagh: 0 }, collisions: null }).map(([w]) =>
        w
          .trim()
          .replace('pairs to link', 'pairs linked')
          .replace(/^creates in/, 'created in'),
      ),
    );
  });

  it('refuses to move the offsets of an active group, with what to do', () => {
    expect(() => assertInactive('g', 'Empty', 0)).not.toThrow();
    expect(() => assertInactive('g', 'Dead', 0)).not.toThrow();
    expect(() => assertInactive('g', 'Stable', 2)).toThrow(/g is active \(state Stable, 2 members\)/);
  });
});

describe('status: the poll interval in force and why', () => {
  it('lists each source of the poller with its interval and the reason', async () => {
    const { formatStatus, pollingOf } = await import('./status');
    const detail = {
      ready: true,
      siagh: {
        leader: true,
        sweeps: 12,
        intervalMs: 2000,
        intervalReason: 'GetAll takes 41 ms: the minimum',
      },
      crm: { leader: true, sweeps: 3, intervalMs: 60000, intervalReason: 'configured' },
    };
    expect(pollingOf(detail).map((p) => [p.source, p.interval])).toEqual([
      ['siagh', '2.0 s'],
      ['crm', '60.0 s'],
    ]);
    const text = formatStatus(
      {
        services: [{ name: 'poller', url: 'http://x', health: 'up', ready: true, detail }],
        kafka: { reachable: true, groups: [] },
        watch: null,
        counts: null,
      },
      false,
    );
    expect(text).toContain('GetAll takes 41 ms: the minimum');
    expect(pollingOf('down')).toEqual([]);
  });

  it('says how far behind the syncer is, live and import apart, and what is stalled', async () => {
    const { freshnessLines } = await import('./status');
    expect(freshnessLines({ backlog: { liveSeconds: 0, bulkSeconds: 0, held: 0, stalled: [] } })).toEqual([
      '  live changes   in sync',
      '  import (bulk)  nothing queued',
      '  stalled        none',
    ]);
    const now = 1_000_000;
    const lines = freshnessLines(
      {
        backlog: {
          liveSeconds: 37.2,
          bulkSeconds: 600,
          held: 74311,
          stalled: [{ lane: 'siaghsync.work:3', held: 12, since: now - 125_000 }],
        },
      },
      now,
    );
    expect(lines).toEqual([
      '  live changes   oldest waiting 37 s',
      '  import (bulk)  oldest waiting 10.0 min; 74,311 events held',
      '  stalled        siaghsync.work:3 (12 held) for 2.1 min',
    ]);
    expect(freshnessLines({ ready: true })).toBeNull();
  });

  it('shows how far a sweep under way is (the import)', async () => {
    const { pollingOf } = await import('./status');
    const detail = {
      crm: { leader: true, sweeps: 0, sweepProgress: { done: 41000, total: 100000, since: 1_000 } },
    };
    expect(pollingOf(detail, 38_000)[0]?.underWay).toBe('41,000 / 100,000 in 37 s');
    expect(pollingOf({ crm: { leader: true } })[0]?.underWay).toBe('-');
  });
});
