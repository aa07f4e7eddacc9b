// Small helpers of the import benchmark: HTTP JSON, a process's peak memory and CPU from /proc, a
// metric summed from a Prometheus text page.
import { readFileSync } from 'node:fs';
import { ConstantBackoff, handleWhen, retry } from 'cockatiel';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Proc } from './procs';

// A read of a simulator may meet a keep-alive connection the simulator (busy with the import) has just
// closed: "fetch failed, other side closed". A GET is safe to send again; a run of hours must not end
// on that.
const readAgain = retry(
  handleWhen((e) => e instanceof TypeError),
  { maxAttempts: 3, backoff: new ConstantBackoff(1000) },
);

export async function json<T>(url: string, init: RequestInit = {}): Promise<T> {
  const once = async () => {
    const res = await fetch(url, { ...init, signal: AbortSignal.timeout(60_000) });
    if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${url}: HTTP ${res.status}`);
    return (await res.json()) as T;
  };
  return (init.method ?? 'GET') === 'GET' ? readAgain.execute(once) : once();
}

export interface Stats {
  records: number;
  numbered: number;
  duplicated: number;
}

/** Peak resident memory of a process (VmHWM), in MiB. */
export function peakRssMiB(p: Proc): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${p.child.pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** CPU time a process has used so far (user + system), in seconds. */
export function cpuSeconds(p: Proc): number {
  return p.child.pid === undefined ? 0 : pidCpuSeconds(p.child.pid);
}

export function pidCpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

/** The local stack's FerretDB process when the bench runs against it (npm run stack), else null. */
export function stackDatabasePid(): number | null {
  try {
    const file = path.join(
      path.dirname(fileURLToPath(import.meta.url)),
      '../../.stack/pids/ferretdb.pid.json',
    );
    const { pid } = JSON.parse(readFileSync(file, 'utf8')) as { pid: number };
    readFileSync(`/proc/${pid}/stat`);
    return pid;
  } catch {
    return null;
  }
}

/** BENCH_PROFILE=syncer,poller: those services write a V8 CPU profile into the log directory. */
export const profiled = (name: string, logDir: string): string[] =>
  (process.env.BENCH_PROFILE ?? '').split(',').includes(name)
    ? ['--cpu-prof', `--cpu-prof-dir=${logDir}`]
    : [];

export function metric(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`)))
      sum += Number(line.split(' ').at(-1));
  }
  return sum;
}
