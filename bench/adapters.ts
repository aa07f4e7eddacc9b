// `npm run bench -- adapters`: requests/s of the CRM adapter (login, rate limiter, retries, zod
// validation) against the CRM simulator, beside a bare undici loop sending the same request to the same
// endpoint with the same concurrency, in the same run. Bounded: a fixed number of requests each.
import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';
import { CrmClient } from '../shared/src/crm/client';
import { startCrmSimulator } from '../simulators/crm/server';
import { generateDataset } from '../simulators/data/generator';
import { figure, printTable, writeResults } from './lib/results';

const REQUESTS = Number(process.env.BENCH_ADAPTER_REQUESTS ?? 3000);
const CONCURRENCY = 16;

async function loop(n: number, concurrency: number, one: (i: number) => Promise<unknown>): Promise<number> {
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < n; i = next++) await one(i);
    }),
  );
  return n / ((performance.now() - t0) / 1000);
}

async function main(): Promise<void> {
  const ds = generateDataset({ seed: 9, customers: 500, overlap: 0, organizationRate: 0 });
  const sim = await startCrmSimulator({
    data: { identities: ds.crm.identities },
    webhooks: { enabled: false },
  });
  const ids = ds.crm.identities.map((i) => i.crmId);
  const adapter = new CrmClient({
    baseUrl: sim.url,
    username: 'admin',
    password: 'admin',
    rateLimitPerSecond: 1_000_000,
    timeoutMs: 10_000,
  });
  const token = (await adapter.login()).value;
  const pool = new Pool(sim.url, { connections: CONCURRENCY });
  const bare = (i: number) =>
    pool
      .request({
        method: 'POST',
        path: '/api/v2/crmobject/person/get',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ id: ids[i % ids.length] }),
      })
      .then(async (r) => {
        if (r.statusCode !== 200) throw new Error(`bare: HTTP ${r.statusCode}`);
        return JSON.parse(await r.body.text()) as unknown;
      });
  const viaAdapter = (i: number) => adapter.getPerson(ids[i % ids.length]!);

  // Warm both paths (JIT, keep-alive connections), then alternate to share the machine's noise.
  await loop(300, CONCURRENCY, bare);
  await loop(300, CONCURRENCY, viaAdapter);
  const bareRuns: number[] = [];
  const adapterRuns: number[] = [];
  for (let round = 0; round < 3; round++) {
    bareRuns.push(await loop(REQUESTS, CONCURRENCY, bare));
    adapterRuns.push(await loop(REQUESTS, CONCURRENCY, viaAdapter));
    process.stderr.write(
      `[bench adapters] round ${round + 1}/3: bare ${bareRuns.at(-1)!.toFixed(0)}/s, adapter ${adapterRuns.at(-1)!.toFixed(0)}/s\n`,
    );
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const a = median(adapterRuns);
  const b = median(bareRuns);
  const figures = [
    figure({
      name: `CRM person/get, ${CONCURRENCY} concurrent (median of 3)`,
      value: a,
      unit: 'requests/s',
      baseline: 'bare undici loop, same endpoint and concurrency',
      baselineValue: b,
      goal: 'report (adapter overhead)',
      met: true,
    }),
  ];
  printTable('adapters', figures);
  process.stderr.write(`[bench adapters] wrote ${writeResults('adapters', figures)}\n`);
  await pool.close();
  await adapter.close();
  await sim.close();
  process.exit(0);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench adapters failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
