import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
export { freePort } from '../../../../test/harness/ports';

const REPO = path.resolve(__dirname, '../../../..');

export type ProjectorProcess = ChildProcess & { logs: string[] };

/** The projector as a real process (so kill -9 is a real crash); its last log lines are kept for failures. */
export function spawnProjector(env: Record<string, string>): ProjectorProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'services/projector/src/main.ts'], {
    cwd: REPO,
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  }) as ProjectorProcess;
  child.logs = [];
  const keep = (b: Buffer) => {
    child.logs.push(b.toString());
    if (child.logs.length > 200) child.logs.shift();
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return child;
}

const exited = (c: ChildProcess) => c.exitCode !== null || c.signalCode !== null;

export function kill9(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (exited(child)) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

/** SIGTERM (a graceful stop), then SIGKILL after `graceMs`. */
export function terminate(child: ChildProcess, graceMs = 15_000): Promise<void> {
  return new Promise((resolve) => {
    if (exited(child)) return resolve();
    const force = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
