// Child processes for the end-to-end benchmark: each part of the pipeline in its own process (as in
// production and under `npm start`), so the load generator and the measuring code never share an
// event loop with what they measure. Logs go to one file per part for a post-mortem.

import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../../scripts/stack/config';
export { freePort } from '../../test/harness/ports';

export interface Proc {
  name: string;
  child: ChildProcess;
  log: string;
}

export function startProc(
  name: string,
  entry: string,
  env: Record<string, string>,
  logDir: string,
  nodeArgs: string[] = [],
  args: string[] = [],
): Proc {
  const log = path.join(logDir, `${name}.log`);
  const fd = fs.openSync(log, 'a');
  // BENCH_PROFILE_DIR: each service writes a V8 CPU profile there when it stops (open it in Chrome's
  // DevTools or speedscope) to see where a benchmark's CPU goes.
  const profile = process.env.BENCH_PROFILE_DIR
    ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`, `--cpu-prof-name=${name}.cpuprofile`]
    : [];
  const child = spawn(process.execPath, [...profile, ...nodeArgs, '--import', 'tsx', entry, ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', fd, fd],
  });
  fs.closeSync(fd);
  return { name, child, log };
}

/** Waits until GET url answers 2xx; fails early when the process exits. */
export async function waitHttp(p: Proc, url: string, timeoutMs = 120_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (p.child.exitCode !== null)
      throw new Error(`${p.name} exited (${p.child.exitCode}) before it was ready; see ${p.log}`);
    const ok = await fetch(url, { signal: AbortSignal.timeout(2000) }).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${p.name} not ready at ${url} after ${timeoutMs / 1000} s; see ${p.log}`);
}

/** SIGTERM (the services finish in-flight work and commit), SIGKILL after graceMs. */
export function stopProc(p: Proc, graceMs = 15_000): Promise<void> {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => p.child.kill('SIGKILL'), graceMs);
    p.child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    p.child.kill('SIGTERM');
  });
}
