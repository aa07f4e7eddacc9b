// Poller benchmark (loopback only, bounded):
//  1. Siagh snapshot diff of 100k contacts: hashing (canonical + side checksum) and the diff, wall and CPU
//     time, beside JSON.parse of the same GetAll payload (the floor: merely reading the snapshot); memory
//     per tracked record beside a Map of full hex checksums.
//  2. CRM sweep of 10k identities against the simulator: detail calls/s beside the configured rate limit.

import { CrmClient } from '@siaghsync/shared/crm/client';
import { loadSyncConfig } from '@siaghsync/shared/mapping/syncConfig';
import { siaghToCanonical } from '@siaghsync/shared/mapping/siagh';
import { sideChecksum } from '@siaghsync/shared/mapping/sides';
import { startCrmSimulator } from '../simulators/crm/server';
import { diffSnapshot, emptyState, type Hash52 } from '../services/poller/src/diff';
import { observeSiagh } from '../services/poller/src/siaghPoller';
import { fetchCrmDetail, listCrmIds } from '../services/poller/src/crmPoller';
import { mapPool } from '../services/poller/src/crmPlan';
import { figure, printTable, writeResults, type Figure } from './lib/results';
import { pino } from 'pino';

const SIAGH_N = Number(process.env.BENCH_POLLER_SIAGH ?? 100_000);
const CRM_N = Number(process.env.BENCH_POLLER_CRM ?? 10_000);
const CRM_RATE = Number(process.env.BENCH_POLLER_CRM_RATE ?? 500);
const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);

function contacts(n: number): Record<string, unknown>[] {
  const names = ['علی', 'محمد', 'زهرا', 'فاطمه', 'رضا', 'مریم', 'حسین', 'کریمی', 'رضایی', 'احمدی'];
  return Array.from({ length: n }, (_, i) => ({
    Code: 1001 + i,
    tmpid: String(i + 1),
    Name: `${names[i % 10]} ${names[(i * 7) % 10]} ${i}`,
    NickName: null,
    NationalCode: String(1000000000 + i),
    MobileNo: `0912${String(i).padStart(7, '0')}`,
    TelNo: `021${String(i).padStart(8, '0')}`,
    Email: `user${i}@example.ir`,
    Address: `تهران، خیابان ${names[i % 10]}، پلاک ${i % 300}`,
    PostalCode: String(1000000000 + i),
    CityCode: 1,
    CountryCode: 98,
    Description: null,
    IsActive: true,
    IsAdminUser: false,
    TowardType: i % 5 === 0,
  }));
}

function measure<T>(fn: () => T): { value: T; wallMs: number; cpuMs: number } {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const value = fn();
  const wallMs = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { value, wallMs, cpuMs: (c.user + c.system) / 1000 };
}

function heapOf(build: () => unknown): number {
  gc();
  const before = process.memoryUsage().heapUsed;
  const keep = build();
  gc();
  const after = process.memoryUsage().heapUsed;
  if (keep === undefined) throw new Error('unreachable');
  return after - before;
}

function siaghFigures(): Figure[] {
  const config = loadSyncConfig();
  const list = contacts(SIAGH_N);
  const payload = JSON.stringify(list);
  const parse = measure(() => JSON.parse(payload) as unknown[]);
  const observe = measure(() => observeSiagh(list as never, config));
  // Previous state: the same snapshot with 1% of the records edited since.
  const prev = { ...emptyState(), hashes: new Map(observe.value.hashes), lastCompleteCount: SIAGH_N };
  for (let i = 0; i < SIAGH_N; i += 100) prev.hashes.set(String(1001 + i), 1);
  const diff = measure(() => diffSnapshot(prev, observe.value.hashes, { complete: true, minRatio: 0.5 }));
  if (diff.value.upserts.length !== SIAGH_N / 100)
    throw new Error(`diff found ${diff.value.upserts.length} changes`);

  const ids = list.map((c) => String(c.Code));
  const hexes = list.slice(0, 1).map((c) => sideChecksum(siaghToCanonical(c, config), config, 'siagh'));
  const ours = heapOf(
    () => new Map<string, Hash52>(ids.map((_, i) => [String(1001 + i), (i * 2654435761) % 2 ** 52])),
  );
  const plain = heapOf(
    () =>
      new Map<string, string>(
        ids.map((_, i) => [String(1001 + i), `${hexes[0]!.slice(0, 56)}${i.toString(16).padStart(8, '0')}`]),
      ),
  );
  const total = observe.wallMs + diff.wallMs;
  return [
    figure({
      name: `siagh ${SIAGH_N / 1000}k: hash + diff wall`,
      value: total,
      unit: 'ms',
      baseline: 'JSON.parse of the same GetAll payload',
      baselineValue: parse.wallMs,
      goal: '< 60000 ms (fits in a 60 s interval)',
      met: total < 60_000,
    }),
    figure({
      name: `siagh ${SIAGH_N / 1000}k: hash + diff CPU`,
      value: observe.cpuMs + diff.cpuMs,
      unit: 'ms',
      baseline: 'JSON.parse CPU',
      baselineValue: parse.cpuMs,
      goal: 'informational',
      met: true,
    }),
    figure({
      name: `siagh ${SIAGH_N / 1000}k: diff alone wall`,
      value: diff.wallMs,
      unit: 'ms',
      baseline: 'JSON.parse of the same GetAll payload',
      baselineValue: parse.wallMs,
      goal: '<= 1x JSON.parse',
      met: diff.wallMs <= parse.wallMs,
    }),
    figure({
      name: 'memory per tracked record',
      value: ours / SIAGH_N,
      unit: 'bytes',
      baseline: 'Map<id, sha256 hex string> (ids included in both)',
      baselineValue: plain / SIAGH_N,
      goal: '< 0.75x baseline',
      met: ours / plain < 0.75,
    }),
  ];
}

async function crmFigures(): Promise<Figure[]> {
  const sim = await startCrmSimulator({
    dataset: { customers: CRM_N, seed: 7, organizationRate: 0.2 },
    logger: pino({ level: 'silent' }),
  });
  const client = new CrmClient({
    baseUrl: sim.url,
    username: 'admin',
    password: 'admin',
    rateLimitPerSecond: CRM_RATE,
    timeoutMs: 30_000,
  });
  try {
    const logger = pino({ level: 'silent' });
    const listing = await listCrmIds(client, 100, logger);
    const t0 = performance.now();
    let errors = 0;
    await mapPool([...listing.ids], 16, async ([id, kind]) => {
      try {
        await fetchCrmDetail(client, id, kind);
      } catch {
        errors++;
      }
    });
    const seconds = (performance.now() - t0) / 1000;
    const rate = listing.ids.size / seconds;
    return [
      figure({
        name: `crm ${CRM_N / 1000}k identities: detail calls/s (concurrency 16)`,
        value: rate,
        unit: 'calls/s',
        baseline: 'configured rate limit',
        baselineValue: CRM_RATE,
        goal: '>= 0.8x the limit, never above it',
        met: rate >= 0.8 * CRM_RATE && rate <= CRM_RATE * 1.05 && errors === 0,
      }),
      figure({
        name: `crm ${CRM_N / 1000}k identities: full reconcile sweep`,
        value: seconds,
        unit: 's',
        baseline: 'ids / rate limit',
        baselineValue: listing.ids.size / CRM_RATE,
        goal: '<= 1.25x the ideal',
        met: seconds <= 1.25 * (listing.ids.size / CRM_RATE),
      }),
    ];
  } finally {
    await client.close();
    await sim.close();
  }
}

const figures = [...siaghFigures(), ...(await crmFigures())];
printTable('poller', figures);
process.stdout.write(`wrote ${writeResults('poller', figures)}\n`);
