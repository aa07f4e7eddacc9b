import { tailOf } from './logFiles';
import { spawn } from 'node:child_process';
import fs from 'node:fs';

export function say(message: string): void {
  process.stderr.write(`[stack] ${message}\n`);
}

/** Runs a command to completion, its output appended to `logFile`; rejects with the log's tail. */
export function runLogged(
  command: string,
  args: string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv; logFile: string },
): Promise<void> {
  return new Promise((resolve, reject) => {
    const out = fs.openSync(opts.logFile, 'a');
    fs.writeSync(out, `\n$ ${command} ${args.join(' ')}\n`);
    const child = spawn(command, args, {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      stdio: ['ignore', out, out],
    });
    child.on('error', (err) => {
      fs.closeSync(out);
      reject(new Error(`could not run ${command}: ${err.message}`));
    });
    child.on('exit', (code, signal) => {
      fs.closeSync(out);
      if (code === 0) return resolve();
      const tail = tailOf(opts.logFile, 25);
      reject(
        new Error(
          `${command} ${args.join(' ')} failed (${signal ?? `exit ${code}`}); last lines of ${opts.logFile}:\n${tail}`,
        ),
      );
    });
  });
}

export async function waitFor(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs: number,
  isAlive: () => boolean,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let delay = 200;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    if (!isAlive()) throw new Error(`${what} exited before it became ready`);
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(delay * 1.5, 2000);
  }
  throw new Error(`${what} was not ready after ${Math.round(timeoutMs / 1000)} s`);
}
