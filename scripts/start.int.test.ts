import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Session } from './session';
import { REPO_ROOT } from './stack/config';
import type { StatusReport } from './syncctl/status';

// `npm start` as a supervisor, `timeout` or a closed terminal stops it: the signal reaches npm (or its
// whole process group), never the parts, which run in process groups of their own. Everything it
// started must stop by itself, and none may need killing. The stack is the tests' own (already
// running, so npm start reuses it and leaves it running); the demo is small and has no load.

jest.setTimeout(420_000);

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
    s.once('error', reject);
  });
}

/** Alive and not a zombie waiting for a parent that does not reap it. */
function alive(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

async function until(what: string, ok: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function startPipeline(): Promise<{
  npm: ChildProcess;
  output: () => string;
  ports: number[];
  stackDir: string;
}> {
  const names = [
    'CRM_SIM_PORT',
    'SIAGH_SIM_PORT',
    'INGEST_PORT',
    'SYNCER_PORT',
    'POLLER_PORT',
    'PROJECTOR_PORT',
  ];
  const ports: number[] = [];
  for (let i = 0; i < names.length; i++) ports.push(await freePort());
  const stackDir = fs.mkdtempSync(path.join(os.tmpdir(), 'start-test-'));
  const npm = spawn('npm', ['start'], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      ...Object.fromEntries(names.map((n, i) => [n, String(ports[i])])),
      STACK_DIR: stackDir,
      SIM_CUSTOMERS: '40',
      SIM_QUOTES: '5',
      START_LOAD: '0',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, as a terminal's foreground job has.
    detached: true,
  });
  let text = '';
  npm.stdout.on('data', (d: Buffer) => (text += d.toString()));
  npm.stderr.on('data', (d: Buffer) => (text += d.toString()));
  try {
    // CI runs this beside the other suites on two cores: the stack, six processes and the import start
    // in about 75 s alone here, and took more than 180 s there once (12-04).
    await until(
      '"SiaghSync is running"',
      () => text.includes('SiaghSync is running') || npm.exitCode !== null,
      300_000,
    );
  } catch (err) {
    // What npm start said is what explains it; and nothing it started may outlive the test.
    try {
      process.kill(-npm.pid!, 'SIGINT');
    } catch {
      /* already gone */
    }
    throw new Error(`${(err as Error).message}; npm start said:\n${text.split('\n').slice(-40).join('\n')}`, {
      cause: err,
    });
  }
  if (!text.includes('SiaghSync is running')) throw new Error(`npm start ended early:\n${text}`);
  return { npm, output: () => text, ports, stackDir };
}

function startedPids(text: string): Map<string, number> {
  return new Map(
    [...text.matchAll(/\[start\] (\S+)\s+started \(pid (\d+)\)/g)].map((m) => [m[1]!, Number(m[2])]),
  );
}

async function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    s.once('connect', () => (s.destroy(), resolve(false)));
    s.once('error', () => resolve(true));
  });
}

/** The printed dashboard link works: it signs the browser in, and the cookie reads the API. */
async function dashboardLinkSignsIn(text: string): Promise<void> {
  const link = /dashboard\s+(http:\/\/\S+\/\?token=\S+)/.exec(text)?.[1];
  expect(link).toBeDefined();
  const signIn = await fetch(link!, { redirect: 'manual' });
  expect(signIn.status).toBe(303);
  const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0]!;
  const summary = await fetch(new URL('/api/summary', link), { headers: { cookie } });
  expect(summary.status).toBe(200);
  expect((await fetch(new URL('/api/summary', link))).status).toBe(401);
}

/**
 * `npx syncctl status` from a shell that exported nothing sees this run: its groups (under the
 * run's own topic prefix) and its views (with the run's generated read token).
 */
async function syncctlFindsTheRun(stackDir: string): Promise<void> {
  const session = JSON.parse(fs.readFileSync(path.join(stackDir, 'session.json'), 'utf8')) as Session;
  expect(fs.statSync(path.join(stackDir, 'session.json')).mode & 0o777).toBe(0o600);
  const status = () =>
    spawnSync(process.execPath, [path.join(REPO_ROOT, 'scripts', 'syncctl.js'), '--json', 'status'], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, STACK_DIR: stackDir },
      encoding: 'utf8',
      timeout: 60_000,
    });
  const syncerGroup = `${session.env.TOPIC_PREFIX}siaghsync-syncer`;
  // A group is listed once the broker has it; a service can answer ready a moment before.
  let r = status();
  for (let i = 0; i < 15 && !r.stdout.includes(`"${syncerGroup}"`); i++) {
    await new Promise((done) => setTimeout(done, 2000));
    r = status();
  }
  expect(r.stderr).toContain('talking to the running npm start');
  const report = JSON.parse(r.stdout) as StatusReport;
  const groups = report.kafka.groups.map((g) => g.group);
  expect(groups).toContain(syncerGroup);
  expect(report.projectorRefused).toBeUndefined();
  expect(report.watch).not.toBeNull();
}

describe('npm start stops everything it started', () => {
  it.each([
    ['SIGTERM to npm alone (a supervisor, timeout)', 'SIGTERM', false],
    ['SIGHUP to its process group (a closed terminal)', 'SIGHUP', true],
  ] as const)('%s', async (_name, signal, group) => {
    const { npm, output, ports, stackDir } = await startPipeline();
    const parts = startedPids(output());
    expect([...parts.keys()].sort()).toEqual(
      ['crm-sim', 'ingest', 'poller', 'projector', 'siagh-sim', 'syncer'].sort(),
    );
    const pids = [...parts.values()];
    await dashboardLinkSignsIn(output());
    await syncctlFindsTheRun(stackDir);
    const script = Number(fs.readFileSync(`/proc/${pids[0]}/stat`, 'utf8').split(') ')[1]!.split(' ')[1]);

    process.kill(group ? -npm.pid! : npm.pid!, signal);
    try {
      await until(
        `every part to stop (${[...parts].map(([n, p]) => `${n}:${p}`).join(' ')})`,
        () => !pids.some(alive) && !alive(script),
        60_000,
      );
    } finally {
      // A failure must not leave a pipeline running on the next test's machine.
      for (const pid of [script, ...pids]) if (alive(pid)) process.kill(pid, 'SIGKILL');
    }

    const text = output();
    for (const name of parts.keys()) expect(text).toContain(`[start]   ${name} stopped`);
    expect(text).not.toMatch(/did not stop in \d+ s: killed/);
    for (const port of ports) expect(await portFree(port)).toBe(true);
    expect(fs.existsSync(path.join(stackDir, 'session.json'))).toBe(false);
  });
});
