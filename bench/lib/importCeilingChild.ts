// The API ceiling of `npm run bench -- import`: the creates an import must make (each CRM-only customer
// created in Siagh, each Siagh-only customer created in the CRM), through the same adapters, with the
// same in-flight bound, against the same simulators, and no Kafka. What to create is worked out first
// from a full read of both systems, untimed. Prints one JSON line:
// {"creates": n, "crmCreates": a, "siaghCreates": b, "seconds": s, "cpuSeconds": c}.
// Env: the syncer's CRM_* / SIAGH_* settings and BENCH_IN_FLIGHT.

import { CrmClient } from '@siaghsync/shared/crm/client';
import { loadCrmConfig } from '@siaghsync/shared/crm/config';
import { createLogger } from '@siaghsync/shared/logger';
import { canonicalToCrm, crmToCanonical } from '@siaghsync/shared/mapping/crm';
import { canonicalToSiaghPairs, siaghToCanonical } from '@siaghsync/shared/mapping/siagh';
import type { CanonicalCustomer } from '@siaghsync/shared/mapping/canonical';
import { loadSyncConfig } from '@siaghsync/shared/mapping/syncConfig';
import { SiaghClient } from '@siaghsync/shared/siagh/client';
import { loadSiaghConfig } from '@siaghsync/shared/siagh/config';

const logger = createLogger({ service: 'bench-import-ceiling', level: 'warn' });
const config = loadSyncConfig();
const crm = new CrmClient(loadCrmConfig(), { logger });
const siagh = new SiaghClient(loadSiaghConfig(), { logger });
const inFlight = Number(process.env.BENCH_IN_FLIGHT ?? 96);

async function pool<T>(items: T[], n: number, fn: (t: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      for (let i = next++; i < items.length; i = next++) await fn(items[i]!);
    }),
  );
}

// Untimed: what each side holds.
const contacts = (await siagh.getAllContacts()).map((c) => siaghToCanonical(c, config));
const inSiagh = new Set(contacts.map((c) => c.customerNumber));
const crmRecords: CanonicalCustomer[] = [];
await pool(await crm.listAllIdentities({ pageSize: 500 }), 16, async (i) => {
  const found = await crm.getIdentity(String(i.identityId));
  if (found) crmRecords.push(crmToCanonical(found.record, found.kind, config));
});
const inCrm = new Set(crmRecords.map((c) => c.customerNumber));
const toSiagh = crmRecords.filter((c) => !inSiagh.has(c.customerNumber));
const toCrm = contacts.filter((c) => !inCrm.has(c.customerNumber));

const t0 = performance.now();
const cpu0 = process.cpuUsage();
const half = Math.max(1, Math.floor(inFlight / 2));
await Promise.all([
  pool(toSiagh, half, async (r) => {
    await siagh.saveContactFields(canonicalToSiaghPairs(r, config, 'create'));
  }),
  pool(toCrm, half, async (r) => {
    await crm.create(r.kind, canonicalToCrm(r, config));
  }),
]);
const seconds = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
process.stdout.write(
  `${JSON.stringify({
    creates: toSiagh.length + toCrm.length,
    crmCreates: toCrm.length,
    siaghCreates: toSiagh.length,
    seconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
  })}\n`,
);
await Promise.all([crm.close(), siagh.close()]);
process.exit(0);
