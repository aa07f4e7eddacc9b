// Poller benchmark (loopback only, bounded):
//  1. Siagh poll cycles at 100k contacts, 1% edited since the last sweep (median of 3): hashing (a raw hash each, the
//     mapping and side checksum for the changed) and the diff, wall and CPU time, beside JSON.parse of the
//     same GetAll payload (the floor: merely reading the snapshot); the first sweep after a start, which
//     maps every record; memory per tracked record beside a Map of full hex checksums.
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

const CYCLES = 3;

/** The same contacts with 1 in 100 edited `round` times (a name, an email or a mobile, in turn). */
function edited(list: Record<string, unknown>[], round: number): Record<string, unknown>[] {
  return list.map((c, i) => {
    if (i % 100 !== 0) return c;
    const field = (['Name', 'Email', 'MobileNo'] as const)[(i / 100) % 3]!;
    return { ...c, [field]: `${String(c[field])}${'9'.repeat(round)}` };
  });
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

interface Cycle {
  parse: ReturnType<typeof measure>;
  observe: ReturnType<typeof measure>;
  diff: ReturnType<typeof measure>;
}

function siaghFigures(): Figure[] {
  const config = loadSyncConfig();
  const list = contacts(SIAGH_N);
  // Parsed, as the client gives them: flat strings (the literals' concatenations are slower to read).
  const first = JSON.parse(JSON.stringify(list)) as Record<string, unknown>[];
  // The first sweep after a start or a change of leader has no raw hashes to compare with.
  const cold = measure(() => observeSiagh(first as never, config));
  let state = { ...emptyState(), hashes: new Map(cold.value.hashes), lastCompleteCount: SIAGH_N };
  let raw = cold.value.raw;

  // Steady sweeps: each a fresh GetAll with 1% of it edited since the last committed sweep, committed
  // in turn as the tracker would; the figures are the medians, each beside its own JSON.parse.
  const cycles: Cycle[] = [];
  for (let round = 1; round <= CYCLES; round++) {
    const payload = JSON.stringify(edited(list, round));
    gc();
    const parse = measure(() => JSON.parse(payload) as Record<string, unknown>[]);
    const next = parse.value;
    const known = { raw, tracked: state.hashes };
    gc();
    const observe = measure(() => observeSiagh(next as never, config, known));
    const prev = state;
    const diff = measure(() => diffSnapshot(prev, observe.value.hashes, { complete: true, minRatio: 0.5 }));
    if (diff.value.upserts.length !== SIAGH_N / 100)
      throw new Error(`diff found ${diff.value.upserts.length} changes`);
    // The events of the changed records carry exactly the checksum a full mapping gives (the syncer's).
    for (const id of diff.value.upserts) {
      const c = next[Number(id) - 1001]!;
      const want = sideChecksum(siaghToCanonical(c, config), config, 'siagh');
      if (observe.value.details(id)?.checksum !== want) throw new Error(`checksum of ${id} differs`);
    }
    state = diff.value.newState;
    raw = observe.value.raw;
    cycles.push({ parse, observe, diff });
  }
  const parseWall = median(cycles.map((c) => c.parse.wallMs));
  const parseCpu = median(cycles.map((c) => c.parse.cpuMs));
  const wall = median(cycles.map((c) => c.observe.wallMs + c.diff.wallMs));
  const cpu = median(cycles.map((c) => c.observe.cpuMs + c.diff.cpuMs));
  const diffWall = median(cycles.map((c) => c.diff.wallMs));

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
  const memo = (raw.codes.byteLength + raw.hashes.byteLength + raw.fields.byteLength) / SIAGH_N;
  const k = SIAGH_N / 1000;
  const cycle = `siagh ${k}k poll cycle (1% edited, median of ${CYCLES})`;
  return [
    figure({
      name: `${cycle}: hash + diff wall`,
      value: wall,
      unit: 'ms',
      baseline: 'JSON.parse of the same GetAll payload',
      baselineValue: parseWall,
      goal: '<= 2x JSON.parse',
      met: wall <= 2 * parseWall,
    }),
    figure({
      name: `${cycle}: hash + diff CPU`,
      value: cpu,
      unit: 'ms',
      baseline: 'JSON.parse CPU',
      baselineValue: parseCpu,
      goal: '<= 2x JSON.parse',
      met: cpu <= 2 * parseCpu,
    }),
    figure({
      name: `${cycle}: diff alone wall`,
      value: diffWall,
      unit: 'ms',
      baseline: 'JSON.parse of the same GetAll payload',
      baselineValue: parseWall,
      goal: '<= 1x JSON.parse',
      met: diffWall <= parseWall,
    }),
    figure({
      name: `siagh ${k}k first sweep after a start (every record mapped): hash wall`,
      value: cold.wallMs,
      unit: 'ms',
      baseline: 'JSON.parse of the same GetAll payload',
      baselineValue: parseWall,
      goal: '< 60000 ms (fits in a 60 s interval)',
      met: cold.wallMs < 60_000,
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
    figure({
      name: 'raw-hash memo per record (kept between sweeps; with the field hashes)',
      value: memo,
      unit: 'bytes',
      baseline: 'memory per tracked record',
      baselineValue: ours / SIAGH_N,
      goal: '<= 1x baseline',
      met: memo <= ours / SIAGH_N,
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

// BENCH_POLLER_CRM=0 skips the CRM sweep (it needs no stack, but takes ~25 s at the default size).
const figures = [...siaghFigures(), ...(CRM_N > 0 ? await crmFigures() : [])];
printTable('poller', figures);
process.stdout.write(`wrote ${writeResults('poller', figures)}\n`);
