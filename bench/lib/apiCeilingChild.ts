// The API ceiling for `npm run bench -- syncer`: the fewest calls any syncer must make to create one
// CRM customer in Siagh without risking a duplicate (read the CRM record, look the customer number up in
// Siagh, create the contact), made through the same adapters, with the same in-flight bound, against the
// same simulators, with no Kafka at all. Run as a child process like the syncer, so neither shares an
// event loop with the simulators. Prints one JSON line: {"changes": n, "seconds": s, "cpuSeconds": c}.
//
// Env: the syncer's CRM_* / SIAGH_* settings (test/harness/systems.ts simulatorEnv) and BENCH_IN_FLIGHT.

import { CrmClient } from '@siaghsync/shared/crm/client';
import { loadCrmConfig } from '@siaghsync/shared/crm/config';
import { createLogger } from '@siaghsync/shared/logger';
import { crmToCanonical } from '@siaghsync/shared/mapping/crm';
import { canonicalToSiaghPairs } from '@siaghsync/shared/mapping/siagh';
import { loadSyncConfig } from '@siaghsync/shared/mapping/syncConfig';
import { SiaghClient } from '@siaghsync/shared/siagh/client';
import { loadSiaghConfig } from '@siaghsync/shared/siagh/config';

const logger = createLogger({ service: 'bench-api-ceiling', level: 'warn' });
const config = loadSyncConfig();
const crm = new CrmClient(loadCrmConfig(), { logger });
const siagh = new SiaghClient(loadSiaghConfig(), { logger });
const inFlight = Number(process.env.BENCH_IN_FLIGHT ?? 96);

const ids = (await crm.listAllIdentities({ pageSize: 500 })).map((i) => String(i.identityId));
const t0 = performance.now();
const cpu0 = process.cpuUsage();
let next = 0;
async function worker(): Promise<void> {
  for (let i = next++; i < ids.length; i = next++) {
    const found = await crm.getIdentity(ids[i]!);
    if (!found) continue;
    const record = crmToCanonical(found.record, found.kind, config);
    if (
      record.customerNumber !== null &&
      (await siagh.findContactsByCustomerNumber(record.customerNumber)).length
    )
      continue;
    await siagh.saveContactFields(canonicalToSiaghPairs(record, config, 'create'));
  }
}
await Promise.all(Array.from({ length: inFlight }, worker));
const seconds = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
process.stdout.write(`${JSON.stringify({ changes: ids.length, seconds, cpuSeconds })}\n`);
await Promise.all([crm.close(), siagh.close()]);
process.exit(0);
