import type { CrmSimulator } from '@siaghsync/simulators/crm/server';
import type { SiaghSimulator } from '@siaghsync/simulators/siagh/server';
import type { FaultConfigInput } from '@siaghsync/simulators/common/faults';
import { rng, type Rng } from './generator';

// A seeded fault schedule over the load: windows of 5xx, 429 + Retry-After, latency and connection
// resets on either system, session expiries, kill -9 of the syncer and the projector, and optionally one
// broker restart (local stack only).
// Webhook duplication and reordering are on for the whole run (webhookFaults).

export type FaultKind = 'error' | 'rateLimit' | 'latency' | 'reset' | 'sessionExpiry' | 'kill' | 'restart';
export type Target = 'crm' | 'siagh' | 'syncer' | 'projector' | 'kafka';

export interface FaultEvent {
  at: number;
  kind: FaultKind;
  target: Target;
  /** How long a window lasts (0 for instant faults). */
  durationMs: number;
}

export interface FaultPlanOptions {
  seed: number;
  durationMs: number;
  kills: boolean;
  killProjector: boolean;
  /** Stops and starts of a broker, spread evenly over the load (0 = none). */
  brokerRestarts?: number;
}

const pick = <T>(r: Rng, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

export function webhookFaults(seed: number) {
  // The CRM retries a notice every few seconds for ~6 minutes (a sender may do so; ASSUMPTIONS.md), so
  // what failed while Kafka was down arrives within seconds of its return and before the check.
  const retry = { baseDelayMs: 500, maxDelayMs: 5_000, maxAttempts: 80 };
  return { duplicateRate: 0.1, reorderWindowMs: 800, delayMs: 20, seed, retry };
}

/** Longest the CRM keeps retrying a notice with webhookFaults' schedule (the check waits for it). */
export const WEBHOOK_RETRY_HORIZON_MS = 80 * 5_000;

/**
 * One event every 2-5 s; a kill at most every 12 s, and at least one of the syncer (and of the projector
 * when it is in the schedule) if the run is long enough.
 */
export function planFaults(o: FaultPlanOptions): FaultEvent[] {
  const r = rng(o.seed ^ 0x5eed);
  const out: FaultEvent[] = [];
  const windowKinds: FaultKind[] = ['error', 'rateLimit', 'latency', 'reset'];
  let lastKill = -Infinity;
  for (let at = 1500 + r() * 2000; at < o.durationMs; at += 2000 + r() * 3000) {
    const roll = r();
    if (o.kills && roll < 0.2 && at - lastKill > 12_000) {
      lastKill = at;
      out.push({
        at,
        kind: 'kill',
        target: o.killProjector && r() < 0.3 ? 'projector' : 'syncer',
        durationMs: 0,
      });
    } else if (roll < 0.35) {
      out.push({ at, kind: 'sessionExpiry', target: pick(r, ['crm', 'siagh'] as const), durationMs: 0 });
    } else {
      out.push({
        at,
        kind: pick(r, windowKinds),
        target: pick(r, ['crm', 'siagh'] as const),
        durationMs: 1500 + r() * 3000,
      });
    }
  }
  if (o.kills && !out.some((e) => e.kind === 'kill' && e.target === 'syncer') && o.durationMs > 4000) {
    out.push({ at: o.durationMs / 2, kind: 'kill', target: 'syncer', durationMs: 0 });
  }
  // The projector is a separate process: its kill may overlap the syncer's; a short run still gets one.
  if (o.kills && o.killProjector && !out.some((e) => e.target === 'projector') && o.durationMs > 4000) {
    out.push({ at: o.durationMs * 0.3, kind: 'kill', target: 'projector', durationMs: 0 });
  }
  const restarts = o.durationMs > 4000 ? (o.brokerRestarts ?? 0) : 0;
  for (let k = 1; k <= restarts; k++)
    out.push({ at: (o.durationMs * k) / (restarts + 1), kind: 'restart', target: 'kafka', durationMs: 0 });
  return out.sort((a, b) => a.at - b.at);
}

function windowConfig(kind: FaultKind, seed: number): FaultConfigInput {
  switch (kind) {
    case 'error':
      return { seed, errorRate: 0.2 };
    case 'rateLimit':
      return { seed, rateLimitRate: 0.25, retryAfterSeconds: 1 };
    case 'latency':
      return { seed, latency: { kind: 'uniform', minMs: 20, maxMs: 400 } };
    default:
      return { seed, resetRate: 0.05 };
  }
}

/**
 * A kill -9 or a broker restart, from the moment it was injected until the process or broker served again
 * (wall time): work in flight then may be done again, so one repeated write per record is allowed across it.
 */
export interface Disruption {
  kind: 'kill' | 'restart';
  target: Target;
  startMs: number;
  endMs: number;
}

export interface FaultTargets {
  crm: CrmSimulator;
  siagh: SiaghSimulator;
  /** kill -9 and start again; resolves once the new process runs. */
  restart(target: 'syncer' | 'projector'): Promise<void>;
  /** Stops the broker and starts it again on its data; resolves once it serves again. */
  restartBroker?: () => Promise<void>;
}

/** Runs the plan against the targets; `stop()` cancels what is left and clears every fault. */
export function runFaults(plan: FaultEvent[], t: FaultTargets, seed: number, onError: (e: unknown) => void) {
  const injected = new Map<string, number>();
  const disruptions: Disruption[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const pending = new Set<Promise<void>>();
  const later = (ms: number, fn: () => void | Promise<void>) => {
    const h = setTimeout(() => {
      timers.delete(h);
      const p = Promise.resolve()
        .then(fn)
        .catch(onError)
        .finally(() => pending.delete(p));
      pending.add(p);
    }, ms);
    timers.add(h);
  };
  const sim = (target: Target) => (target === 'crm' ? t.crm : t.siagh);
  plan.forEach((e, k) => {
    later(e.at, async () => {
      injected.set(`${e.kind}:${e.target}`, (injected.get(`${e.kind}:${e.target}`) ?? 0) + 1);
      if (e.kind === 'kill' || e.kind === 'restart') {
        const d: Disruption = { kind: e.kind, target: e.target, startMs: Date.now(), endMs: Infinity };
        disruptions.push(d);
        if (e.kind === 'kill') await t.restart(e.target as 'syncer' | 'projector');
        else if (!t.restartBroker)
          throw new Error('a broker restart is planned but the stack cannot restart it');
        else await t.restartBroker();
        d.endMs = Date.now();
        return;
      }
      if (e.kind === 'sessionExpiry')
        return void (e.target === 'crm' ? t.crm.tokens.expireAll() : t.siagh.sessions.expireAll());
      // Only the API: the simulators' own /_sim routes are never faulted anyway.
      sim(e.target).faults.set(windowConfig(e.kind, seed + k));
      later(e.durationMs, () => void sim(e.target).faults.set({}));
    });
  });
  return {
    injected,
    disruptions,
    async stop() {
      for (const h of timers) clearTimeout(h);
      timers.clear();
      await Promise.all([...pending]);
      t.crm.faults.set({});
      t.siagh.faults.set({});
    },
  };
}
