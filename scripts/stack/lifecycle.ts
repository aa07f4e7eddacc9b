import { rotateIfLarge, tailOf } from './logFiles';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { brokersFile, type StackConfig } from './config';
import { installAll } from './install';
import { say, waitFor } from './run';
import { stackServices, type StackService } from './services';

interface PidRecord {
  pid: number;
  marker: string;
  startedAt: string;
}

const pidFile = (cfg: StackConfig, name: string) => path.join(cfg.pidDir, `${name}.pid.json`);

function readPid(cfg: StackConfig, name: string): PidRecord | undefined {
  try {
    return JSON.parse(fs.readFileSync(pidFile(cfg, name), 'utf8')) as PidRecord;
  } catch {
    return undefined;
  }
}

/** Alive AND still the process we started (PIDs are reused; the marker is in its command line). */
export function isOurs(rec: PidRecord | undefined): rec is PidRecord {
  if (!rec) return false;
  try {
    const cmdline = fs.readFileSync(`/proc/${rec.pid}/cmdline`, 'utf8');
    return cmdline.includes(rec.marker);
  } catch {
    return false;
  }
}

async function startOne(cfg: StackConfig, svc: StackService): Promise<'started' | 'already running'> {
  const existing = readPid(cfg, svc.name);
  if (isOurs(existing)) {
    await waitFor(
      svc.name,
      () => svc.ready(),
      cfg.STACK_READY_TIMEOUT_MS,
      () => isOurs(existing),
    );
    return 'already running';
  }
  svc.prepare();
  const { bin, args, cwd, env } = svc.command();
  const logFile = path.join(cfg.logDir, `${svc.name}.log`);
  rotateIfLarge(logFile);
  const out = fs.openSync(logFile, 'a');
  // Detached, in its own process group, so it outlives `npm run stack -- up` and a Ctrl-C of it.
  const child = spawn(bin, args, {
    cwd,
    detached: true,
    stdio: ['ignore', out, out],
    env: { ...process.env, ...env },
  });
  fs.closeSync(out);
  const spawnError = new Promise<never>((_, reject) =>
    child.on('error', (e) => reject(new Error(`${svc.name}: cannot run ${bin}: ${e.message}`))),
  );
  child.unref();
  if (child.pid === undefined) await spawnError;
  const rec: PidRecord = { pid: child.pid!, marker: svc.marker, startedAt: new Date().toISOString() };
  fs.writeFileSync(pidFile(cfg, svc.name), JSON.stringify(rec));
  try {
    await Promise.race([
      spawnError,
      waitFor(
        svc.name,
        () => svc.ready(),
        cfg.STACK_READY_TIMEOUT_MS,
        () => isOurs(rec),
      ),
    ]);
  } catch (err) {
    const tail = tailOf(logFile, 20);
    throw new Error(`${(err as Error).message}; last lines of ${logFile}:\n${tail}`, { cause: err });
  }
  return 'started';
}

export async function up(cfg: StackConfig): Promise<void> {
  for (const d of [cfg.dataDir, cfg.logDir, cfg.pidDir]) fs.mkdirSync(d, { recursive: true });
  const installed = await installAll(cfg);
  const services = stackServices(cfg, installed);
  const wanted = new Set(services.map((s) => s.name));
  const other = ALL_NAMES.filter((n) => !wanted.has(n) && isOurs(readPid(cfg, n)));
  if (other.length > 0)
    throw new Error(
      `the stack runs ${other.join(', ')}, not the ${cfg.brokers}-broker Kafka asked for: \`npm run stack -- down\` first`,
    );
  fs.writeFileSync(brokersFile(cfg.STACK_DIR), String(cfg.brokers));
  // Kafka first: it is the slowest to start and everything else is independent of it.
  const results = await Promise.all(services.map(async (s) => [s, await startOne(cfg, s)] as const));
  for (const [svc, result] of results) say(`${svc.name.padEnd(16)} ${result.padEnd(16)} ${svc.address}`);
}

/** SIGTERM to the service's process group, SIGKILL after 30 s; never a PID that is not ours. */
async function stopOne(cfg: StackConfig, name: string): Promise<boolean> {
  const rec = readPid(cfg, name);
  if (!isOurs(rec)) {
    fs.rmSync(pidFile(cfg, name), { force: true });
    return false;
  }
  // The whole process group: the JVMs and FerretDB do not fork, but a wrapper might.
  const signal = (sig: NodeJS.Signals) => {
    try {
      process.kill(-rec.pid, sig);
    } catch {
      try {
        process.kill(rec.pid, sig);
      } catch {
        /* already gone */
      }
    }
  };
  signal('SIGTERM');
  const deadline = Date.now() + 30_000;
  while (isOurs(rec) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  if (isOurs(rec)) signal('SIGKILL');
  while (isOurs(rec)) await new Promise((r) => setTimeout(r, 100));
  fs.rmSync(pidFile(cfg, name), { force: true });
  return true;
}

/** Every name a stack process may have run under: one broker or a cluster's nodes, whatever is configured now. */
const ALL_NAMES = ['kafka', ...[1, 2, 3, 4, 5].map((i) => `kafka-${i}`), 'schema-registry', 'ferretdb'];

export async function down(cfg: StackConfig): Promise<{ stopped: string[]; leftRunning: string[] }> {
  const names = ALL_NAMES;
  const stopped: string[] = [];
  await Promise.all(
    names.map(async (name) => {
      if (await stopOne(cfg, name)) stopped.push(name);
    }),
  );
  const leftRunning = names.filter((n) => isOurs(readPid(cfg, n)));
  if (leftRunning.length === 0) fs.rmSync(brokersFile(cfg.STACK_DIR), { force: true });
  return { stopped, leftRunning };
}

/**
 * Stops one service of the local stack and starts it again on the same data directory (a broker
 * restart under load, for the convergence test). `onStopped` runs between the two, while it is down.
 */
export async function restartOne(
  cfg: StackConfig,
  name: StackService['name'],
  onStopped: () => Promise<void> = () => Promise.resolve(),
): Promise<{ downMs: number }> {
  const svc = stackServices(cfg, await installAll(cfg)).find((s) => s.name === name);
  if (!svc) throw new Error(`no stack service ${name}`);
  if (!(await stopOne(cfg, name)))
    throw new Error(`${name} is not running from this stack; not restarting it`);
  const t0 = Date.now();
  await onStopped();
  await startOne(cfg, svc);
  return { downMs: Date.now() - t0 };
}

export interface ServiceStatus {
  name: string;
  pid: number | null;
  running: boolean;
  ready: boolean;
  address: string;
  log: string;
}

export async function status(cfg: StackConfig): Promise<ServiceStatus[]> {
  const addresses = Object.fromEntries(stackServices(cfg, NOT_INSTALLED).map((s) => [s.name, s.address]));
  const readiness = readinessChecks(cfg);
  return Promise.all(
    Object.keys(addresses).map(async (name) => {
      const rec = readPid(cfg, name);
      const running = isOurs(rec);
      const ready = running ? await readiness[name]!().catch(() => false) : false;
      return {
        name,
        pid: running ? rec.pid : null,
        running,
        ready,
        address: addresses[name]!,
        log: path.join(cfg.logDir, `${name}.log`),
      };
    }),
  );
}

/** Readiness checks need no installed binaries; only the addresses. */
const NOT_INSTALLED = {
  composeCli: '',
  kafkaLibs: '',
  kafkaLog4j: '',
  apicurioDir: '',
  registryJava: '',
  ferretdb: '',
  promtool: '',
  amtool: '',
};

function readinessChecks(cfg: StackConfig): Record<string, () => Promise<boolean>> {
  return Object.fromEntries(stackServices(cfg, NOT_INSTALLED).map((s) => [s.name, () => s.ready()]));
}
