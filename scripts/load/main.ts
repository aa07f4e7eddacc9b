// A gentle load generator: a few edits per second on both simulators through their admin APIs, "as a
// user would" (CRM edits fire webhooks, Siagh edits are found by the poller), some of them on the same
// record on both sides within a moment. `npm start` runs it; alone: `tsx scripts/load/main.ts`.
// Prints one summary line every LOAD_REPORT_MS; stops cleanly on SIGINT/SIGTERM.

import { z } from 'zod';
import { nextOp, poolsFrom, rng, seededMaxCustomerNumber, type Edit, type Pools } from './plan';

const env = z
  .object({
    CRM_SIM_URL: z
      .string()
      .url()
      .default(`http://127.0.0.1:${process.env.CRM_SIM_PORT ?? 7101}`),
    SIAGH_SIM_URL: z
      .string()
      .url()
      .default(`http://127.0.0.1:${process.env.SIAGH_SIM_PORT ?? 7102}`),
    LOAD_RATE: z.coerce.number().positive().max(1000).default(3),
    LOAD_BOTH_RATE: z.coerce.number().min(0).max(1).default(0.1),
    LOAD_SEED: z.coerce
      .number()
      .int()
      .nonnegative()
      .default(Date.now() % 1_000_000),
    LOAD_REPORT_MS: z.coerce.number().int().positive().default(10_000),
    // The seeded dataset's size: only its customers are edited, never a record a person creates.
    SIM_CUSTOMERS: z.coerce.number().int().nonnegative().default(3000),
    SIM_OVERLAP: z.coerce.number().min(0).max(1).default(0.6),
  })
  .safeParse(Object.fromEntries(Object.entries(process.env).filter(([, v]) => v !== '')));
if (!env.success) {
  process.stderr.write(
    `load: invalid environment:\n${env.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n')}\n`,
  );
  process.exit(78);
}
const cfg = env.data;

async function call(method: string, url: string, body?: unknown): Promise<Response> {
  return fetch(url, {
    method,
    headers: body ? { 'content-type': 'application/json' } : {},
    ...(body ? { body: JSON.stringify(body) } : {}),
    signal: AbortSignal.timeout(10_000),
  });
}

async function loadPools(): Promise<Pools> {
  const [crm, siagh] = await Promise.all([
    call('GET', `${cfg.CRM_SIM_URL}/_sim/dump`),
    call('GET', `${cfg.SIAGH_SIM_URL}/_sim/dump`),
  ]);
  if (!crm.ok || !siagh.ok) throw new Error(`dump failed: CRM ${crm.status}, Siagh ${siagh.status}`);
  return poolsFrom(
    (await crm.json()) as Parameters<typeof poolsFrom>[0],
    (await siagh.json()) as Parameters<typeof poolsFrom>[1],
    seededMaxCustomerNumber(cfg.SIM_CUSTOMERS, cfg.SIM_OVERLAP),
  );
}

function apply(e: Edit): Promise<Response> {
  return e.side === 'crm'
    ? call('PATCH', `${cfg.CRM_SIM_URL}/_sim/identities/${e.id}`, e.patch)
    : call('PATCH', `${cfg.SIAGH_SIM_URL}/_sim/contacts/${e.code}`, e.patch);
}

const counts = { crm: 0, siagh: 0, both: 0, refused: 0, failed: 0 };
let stopping = false;
process.on('SIGINT', () => (stopping = true));
process.on('SIGTERM', () => (stopping = true));

async function main(): Promise<void> {
  const r = rng(cfg.LOAD_SEED);
  let pools = await loadPools();
  process.stdout.write(
    `load: seed ${cfg.LOAD_SEED}, ${cfg.LOAD_RATE} edits/s, ${cfg.LOAD_BOTH_RATE * 100}% on both sides; ${pools.crm.length} CRM, ${pools.siagh.length} Siagh, ${pools.pairs.length} pairs\n`,
  );
  let lastReport = Date.now();
  let lastRefresh = Date.now();
  const gapMs = 1000 / cfg.LOAD_RATE;
  while (!stopping) {
    const started = Date.now();
    const op = nextOp(r, pools, cfg.LOAD_BOTH_RATE);
    if (op) {
      // Both-sides edits go out together: the two systems change within milliseconds of each other.
      const results = await Promise.allSettled(op.edits.map(apply));
      counts[op.kind] += 1;
      for (const x of results) {
        if (x.status === 'rejected') counts.failed += 1;
        else if (!x.value.ok) counts.refused += 1; // e.g. Siagh's duplicate-phone rule, as a user would see it
      }
    }
    if (Date.now() - lastRefresh > 60_000) {
      pools = await loadPools().catch(() => pools);
      lastRefresh = Date.now();
    }
    if (Date.now() - lastReport >= cfg.LOAD_REPORT_MS) {
      process.stdout.write(`load: ${JSON.stringify({ at: new Date().toISOString(), ...counts })}\n`);
      lastReport = Date.now();
    }
    await new Promise((res) => setTimeout(res, Math.max(0, gapMs - (Date.now() - started))));
  }
  process.stdout.write(`load: stopped ${JSON.stringify(counts)}\n`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`load: ${(err as Error).message}\n`);
    process.exit(1);
  },
);
