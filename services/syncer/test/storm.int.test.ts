import { DEFAULT_RETRY } from '@siaghsync/shared/http/client';
import type { World } from './harness';
import { createWorld } from './harness';

// R4: Siagh answers 5xx to every call for 60 s while CRM edits keep coming. Afterwards every change is
// delivered, nothing is duplicated or dead-lettered, and the Siagh calls made during the storm stay
// within the retry budget that the configuration in force allows (derived below, printed with the count).

jest.setTimeout(240_000);

const CUSTOMERS = 10;
const STORM_MS = 60_000;
const BEFORE_MS = 8_000;
const AFTER_MS = 8_000;
const EDIT_EVERY_MS = 200; // 5 changes/s
// The syncer's retry policy in force (config.ts): attempts per cycle, backoff base/max, park interval.
const MAX_ATTEMPTS = 5;
const BASE_MS = 500;
const MAX_MS = 30_000;
const PARK_MS = 15_000;

const person = (n: number, mobile: string) => ({
  firstName: 'کاربر',
  lastName: `طوفان ${n}`,
  nickName: `کاربر ${n}`,
  customerNumber: `100-${n}`,
  phoneContacts: [{ default: true, phoneType: 'Mobile', phoneNumber: mobile }],
});

/**
 * The most Siagh calls the syncer may make in `windowMs` with `entities` entities failing throughout:
 * - a cycle is MAX_ATTEMPTS attempts with backoffs min(MAX, BASE*2^(a-1)) jittered to [1/2, 1], then a park
 *   of PARK_MS (handle.ts runWithRetries, processor.ts scheduleRetry); later events queue behind it. So two
 *   cycle starts of one entity are at least P = PARK + sum(backoff/2) apart, and at most floor(T/P) + 2
 *   cycles touch the window (one already running at its start);
 * - an attempt of a linked customer makes one Siagh request before it fails (the contact read by Code);
 * - the adapter retries a request at most (maxAttempts - 1) times, and all retries together are capped by
 *   its retry budget: max tokens + minPerSecond * T + ratio * requests (shared/src/http/retryBudget.ts).
 */
function retryBudget(windowMs: number, entities: number) {
  let backoffs = 0;
  for (let a = 1; a < MAX_ATTEMPTS; a++) backoffs += Math.min(MAX_MS, BASE_MS * 2 ** (a - 1)) / 2;
  const period = PARK_MS + backoffs;
  const cycles = Math.floor(windowMs / period) + 2;
  const requests = entities * MAX_ATTEMPTS * cycles;
  const b = DEFAULT_RETRY.budget;
  const retries = Math.min(
    (DEFAULT_RETRY.maxAttempts - 1) * requests,
    Math.floor(b.max + (b.minPerSecond * windowMs) / 1000 + b.ratio * requests),
  );
  return { period, cycles, requests, retries, calls: requests + retries };
}

describe('R4: a 60-second 5xx storm on Siagh under load', () => {
  let w: World | undefined;
  afterAll(async () => {
    await w?.close();
  });

  it('delivers every change afterwards, duplicates and dead-letters nothing, and stays within the retry budget', async () => {
    w = await createWorld('r4storm', {
      env: {
        SYNCER_MAX_ATTEMPTS: String(MAX_ATTEMPTS),
        SYNCER_RETRY_BASE_MS: String(BASE_MS),
        SYNCER_RETRY_MAX_MS: String(MAX_MS),
        SYNCER_PARK_RETRY_MS: String(PARK_MS),
      },
    });
    const world = w;
    const ids: string[] = [];
    for (let k = 0; k < CUSTOMERS; k++)
      ids.push(await world.crm.create('person', person(9400 + k, `0912940${String(k).padStart(4, '0')}`)));
    for (const id of ids) await world.emit('crm', id);
    const contactOf = (k: number) =>
      [...world.siaghSim.store.contacts.values()].filter((c) => String(c.tmpid) === String(9400 + k));
    await world.waitFor('all linked', () =>
      Array.from({ length: CUSTOMERS }, (_, k) => contactOf(k).length === 1).every(Boolean),
    );

    // The load: one edit every 200 ms, round robin over the customers, before, during and after the storm.
    const last = new Map<number, { nick: string; email: string }>();
    let i = 0;
    let stormStart = 0;
    let stormEnd = 0;
    const t0 = Date.now();
    const total = BEFORE_MS + STORM_MS + AFTER_MS;
    while (Date.now() - t0 < total) {
      const elapsed = Date.now() - t0;
      if (stormStart === 0 && elapsed >= BEFORE_MS) {
        world.siaghSim.faults.set({ errorRate: 1, errorStatuses: [500, 503], seed: 4 });
        stormStart = Date.now();
      }
      if (stormStart !== 0 && stormEnd === 0 && Date.now() - stormStart >= STORM_MS) {
        world.siaghSim.faults.set({});
        stormEnd = Date.now();
      }
      const k = i % CUSTOMERS;
      const value = { nick: `نسخه ${i}`, email: `v${i}@example.com` };
      const r = world.crmSim.store.update(ids[k]!, undefined, { nickName: value.nick, email: value.email });
      expect(r.ok).toBe(true);
      last.set(k, value);
      await world.emit('crm', ids[k]!);
      i++;
      await new Promise((res) => setTimeout(res, EDIT_EVERY_MS));
    }
    expect(stormEnd).toBeGreaterThan(0);

    // Afterwards: Siagh holds the last value of each edited field, one contact per customer, no dead letter.
    await world.waitFor(
      'every change delivered',
      () =>
        Array.from({ length: CUSTOMERS }, (_, k) => {
          const c = contactOf(k);
          return c.length === 1 && c[0]!.Name === last.get(k)!.nick && c[0]!.Email === last.get(k)!.email;
        }).every(Boolean),
      PARK_MS * 3,
    );
    for (let k = 0; k < CUSTOMERS; k++) expect(contactOf(k)).toHaveLength(1);
    expect(world.deadLetters).toEqual([]);
    // The storm really parked work (otherwise it tested nothing).
    expect(world.outcomes.filter((o) => o.status === 'retrying').length).toBeGreaterThan(0);

    // The calls made during the storm, all answered 5xx, within the budget.
    const during = world.siaghSim.recorder
      .list()
      .filter((c) => !c.path.startsWith('/_sim') && c.timeMs >= stormStart && c.timeMs < stormEnd);
    expect(during.length).toBeGreaterThan(0);
    expect(during.filter((c) => c.status < 500)).toEqual([]);
    const byPath: Record<string, number> = {};
    for (const c of during) byPath[c.path] = (byPath[c.path] ?? 0) + 1;
    const budget = retryBudget(stormEnd - stormStart, CUSTOMERS);
    process.stderr.write(
      `R4 storm ${stormEnd - stormStart} ms, ${i} edits of ${CUSTOMERS} customers: ${during.length} Siagh calls ` +
        `(${JSON.stringify(byPath)}); budget ${budget.calls} = ${budget.requests} requests ` +
        `(${CUSTOMERS} entities x ${MAX_ATTEMPTS} attempts x ${budget.cycles} cycles, cycle period >= ${budget.period} ms) ` +
        `+ ${budget.retries} adapter retries (min(${DEFAULT_RETRY.maxAttempts - 1} x requests, ` +
        `${DEFAULT_RETRY.budget.max} + ${DEFAULT_RETRY.budget.minPerSecond}/s x T + ${DEFAULT_RETRY.budget.ratio} x requests))\n`,
    );
    expect(during.length).toBeLessThanOrEqual(budget.calls);
  });
});
