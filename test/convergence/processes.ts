import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
export { freePort } from '../harness/ports';

// The services as real processes (so kill -9 is a real crash). Each logs to <logDir>/<name>.log;
// only the PIDs started here are ever signalled.

export interface Service {
  name: string;
  child: ChildProcess;
  log: string;
}

export function spawnService(
  repo: string,
  logDir: string,
  name: string,
  entry: string,
  env: Record<string, string>,
  args: string[] = [],
): Service {
  fs.mkdirSync(logDir, { recursive: true });
  const log = path.join(logDir, `${name}.log`);
  const fd = fs.openSync(log, 'a');
  const child = spawn(process.execPath, ['--import', 'tsx', entry, ...args], {
    cwd: repo,
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', fd, fd],
  });
  fs.closeSync(fd);
  return { name, child, log };
}

const exited = (c: ChildProcess) => c.exitCode !== null || c.signalCode !== null;

export function kill9(s: Service): Promise<void> {
  return new Promise((resolve) => {
    if (exited(s.child)) return resolve();
    s.child.once('exit', () => resolve());
    s.child.kill('SIGKILL');
  });
}

/** SIGTERM, then SIGKILL after `graceMs`. */
export function stop(s: Service, graceMs = 10_000): Promise<void> {
  return new Promise((resolve) => {
    if (exited(s.child)) return resolve();
    const force = setTimeout(() => s.child.kill('SIGKILL'), graceMs);
    s.child.once('exit', () => (clearTimeout(force), resolve()));
    s.child.kill('SIGTERM');
  });
}

export async function waitExit(s: Service, timeoutMs: number): Promise<number | null> {
  if (exited(s.child)) return s.child.exitCode;
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve(null), timeoutMs);
    s.child.once('exit', (code) => (clearTimeout(t), resolve(code)));
  });
}

export async function waitReady(s: Service, port: number, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (exited(s.child))
      throw new Error(
        `${s.name} exited (${s.child.exitCode ?? s.child.signalCode}) before it was ready; see ${s.log}`,
      );
    const ok = await fetch(`http://127.0.0.1:${port}/ready`, { signal: AbortSignal.timeout(2000) }).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`${s.name} not ready on port ${port} after ${timeoutMs} ms; see ${s.log}`);
}
