import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateDataset } from '../../simulators/data/generator';
import { startCrmSimulator } from '../../simulators/crm/server';
import { startSiaghSimulator } from '../../simulators/siagh/server';
import { simulatorEnv } from '../../test/harness/systems';
import { startProc } from './procs';

/** The simulators of one syncer run: N CRM customers with no Siagh counterpart; optional write latency. */
export async function benchSystems(n: number, writeLatencyMs: number) {
  const ds = generateDataset({ seed: 3, customers: n, overlap: 0 });
  const crm = await startCrmSimulator({
    data: { identities: ds.crm.identities },
    webhooks: { enabled: false },
  });
  const siagh = await startSiaghSimulator(
    writeLatencyMs > 0
      ? { faults: { paths: ['/BpmsApi/SaveFormData'], latency: { kind: 'fixed', ms: writeLatencyMs } } }
      : {},
  );
  return { crm, siagh };
}

/**
 * The API ceiling (bench/lib/apiCeilingChild.ts in its own process): creates/s with only the calls a create needs,
 * the same adapters, in-flight bound and simulators, and no Kafka.
 */
export async function apiCeiling(
  n: number,
  writeLatencyMs: number,
  inFlight: number,
): Promise<{ rate: number; cpuMsPerChange: number }> {
  const { crm, siagh } = await benchSystems(n, writeLatencyMs);
  const logDir = fs.mkdtempSync(path.join(os.tmpdir(), 'siaghsync-bench-ceiling-'));
  try {
    const proc = startProc(
      'api-ceiling',
      'bench/lib/apiCeilingChild.ts',
      {
        ...simulatorEnv(crm, siagh),
        BENCH_IN_FLIGHT: String(inFlight),
      },
      logDir,
    );
    const code = await new Promise<number | null>((resolve) => proc.child.once('exit', resolve));
    const last = fs.readFileSync(proc.log, 'utf8').trim().split('\n').at(-1) ?? '';
    if (code !== 0 || !last.startsWith('{')) throw new Error(`api ceiling failed (${code}); see ${proc.log}`);
    const r = JSON.parse(last) as { changes: number; seconds: number; cpuSeconds: number };
    const created = siagh.recorder
      .list()
      .filter((c) => c.path === '/BpmsApi/SaveFormData' && c.status === 200).length;
    if (created !== n) throw new Error(`api ceiling created ${created} of ${n}; see ${proc.log}`);
    return { rate: r.changes / r.seconds, cpuMsPerChange: (r.cpuSeconds * 1000) / r.changes };
  } finally {
    await crm.close();
    await siagh.close();
  }
}
