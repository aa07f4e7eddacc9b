import { randomBytes } from 'node:crypto';
import path from 'node:path';
import {
  createKafka,
  ensureTopics,
  logLevel,
  topicName,
  type Replication,
} from '@siaghsync/shared/kafka/index';
import { createLogger } from '@siaghsync/shared/logger';
import { loadSyncConfig } from '@siaghsync/shared/mapping/syncConfig';
import { EventCodec } from '@siaghsync/shared/registry';
import { startCrmSimulator } from '@siaghsync/simulators/crm/server';
import { startSiaghSimulator } from '@siaghsync/simulators/siagh/server';
import { lostAcknowledgements } from './acks';
import { check, type Verdict } from './checker';
import { planFaults, runFaults, WEBHOOK_RETRY_HORIZON_MS, webhookFaults } from './faults';
import { generateOps } from './generator';
import { groupLag, observe, pipelineLag, reportsInLog } from './observer';
import { freePort, kill9, spawnService, stop, waitExit, waitReady, type Service } from './processes';
import { applyOp, newStats } from './workload';
import { checkViews, dropDatabase, type ViewCheck } from './views';

// One convergence run: simulators in-process, ingest + poller + syncer + projector as processes on a
// fresh topic prefix (the projector into a database of its own), the seeded load with the seeded faults,
// then quiescence, the checker's verdict and the views compared with a fresh rebuild.

export interface RunOptions {
  seed: number;
  ops: number;
  rate: number;
  initial: number;
  kills: boolean;
  /** Include the projector in the kill -9 schedule (it always runs and its views are always checked). */
  killProjector: boolean;
  /** Stops and starts a broker during the load; only a stack the runner controls can (run.ts). */
  restartBroker?: (() => Promise<void>) | undefined;
  /** How many times (default 1 when restartBroker is given). */
  brokerRestarts?: number;
  /** Copies of every topic (a cluster: 3 with 2 in sync); one when unset. */
  replication?: Replication;
  quietMs: number;
  idleTimeoutMs: number;
  repo: string;
  infra: { KAFKA_BROKERS: string; SCHEMA_REGISTRY_URL: string; MONGODB_URI: string };
  log: (line: string) => void;
}

export interface RunResult {
  seed: number;
  prefix: string;
  logDir: string;
  ops: { planned: number; applied: Record<string, number>; skipped: number };
  faults: Record<string, number>;
  /** Webhook requests ingest answered 2xx, each checked to be in the changes topic. */
  webhooksAcknowledged: number;
  outcomes: Record<string, number>;
  verdict: Verdict;
  views: ViewCheck;
  durationMs: { load: number; quiescence: number; views: number; total: number };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runConvergence(o: RunOptions): Promise<RunResult> {
  const t0 = Date.now();
  const prefix = `conv${o.seed}-${Date.now().toString(36)}${randomBytes(2).toString('hex')}.`;
  const logDir = path.join(o.repo, '.stack', 'logs', prefix.slice(0, -1));
  const logger = createLogger({ service: 'convergence', level: 'warn' });
  const config = loadSyncConfig(path.join(o.repo, 'config', 'sync.default.yaml'));
  const dataset = { seed: o.seed, customers: o.initial, overlap: 0.6, divergentRate: 0.2 };
  const siaghOnly = o.initial - Math.round(o.initial * 0.6);
  const ports = {
    ingest: await freePort(),
    poller: await freePort(),
    syncer: await freePort(),
    projector: await freePort(),
  };
  const secret = randomBytes(18).toString('base64url');
  const operatorToken = randomBytes(18).toString('base64url');
  const viewsDb = `conv_${prefix.slice(0, -1).replace(/[^a-zA-Z0-9_-]/g, '_')}`;
  const crm = await startCrmSimulator({
    dataset,
    webhooks: { url: `http://127.0.0.1:${ports.ingest}/webhooks/crm/${secret}`, ...webhookFaults(o.seed) },
  });
  const siagh = await startSiaghSimulator({ dataset });
  const env: Record<string, string> = {
    ...o.infra,
    ...(o.replication && {
      KAFKA_REPLICATION_FACTOR: String(o.replication.replicationFactor),
      KAFKA_MIN_INSYNC_REPLICAS: String(o.replication.minInsyncReplicas),
    }),
    TOPIC_PREFIX: prefix,
    CRM_BASE_URL: crm.url,
    CRM_USERNAME: 'admin',
    CRM_PASSWORD: 'admin',
    SIAGH_BASE_URL: siagh.url,
    SIAGH_USERNAME: 'admin',
    SIAGH_PASSWORD: 'admin',
    CRM_RATE_LIMIT_PER_SECOND: '500',
    SIAGH_RATE_LIMIT_PER_SECOND: '500',
    CRM_TIMEOUT_MS: '10000',
    SIAGH_TIMEOUT_MS: '10000',
    // The simulator keeps properties an update omits (simulators/crm/ASSUMPTIONS.md), as the README asks
    // an operator to check before choosing this mode.
    CRM_UPDATE_MODE: 'changed-fields',
    CRM_WEBHOOK_SECRET: secret,
    INGEST_PORT: String(ports.ingest),
    POLLER_PORT: String(ports.poller),
    SYNCER_PORT: String(ports.syncer),
    SYNCER_INSTANCE_ID: 'conv-a',
    SYNCER_RETRY_BASE_MS: '100',
    SYNCER_RETRY_MAX_MS: '3000',
    SYNCER_PARK_RETRY_MS: '2000',
    SYNCER_SESSION_TIMEOUT_MS: '10000',
    // Short sweeps: Siagh has no webhooks, so the poller is its only way in.
    POLLER_SIAGH_INTERVAL_MS: '1500',
    POLLER_CRM_INTERVAL_MS: '2500',
    POLLER_JITTER: '0.1',
    POLLER_BACKOFF_MAX_MS: '5000',
    POLLER_CRM_RECONCILE_SWEEPS: '3',
    POLLER_LEADER_SESSION_MS: '6000',
    PROJECTOR_PORT: String(ports.projector),
    PROJECTOR_DB: viewsDb,
    PROJECTOR_GROUP_ID: `${prefix}siaghsync-projector`,
    PROJECTOR_LAG_GROUP_PREFIX: prefix,
    OPERATOR_TOKEN: operatorToken,
    // Resolutions and redrives the projector sends are signed with it; unsigned, the syncer dead-letters them.
    OPERATOR_EVENT_KEY: randomBytes(32).toString('base64url'),
    // The minimums: a restart after kill -9 waits for the dead member's session and its writer's lease.
    PROJECTOR_SESSION_TIMEOUT_MS: '6000',
    PROJECTOR_LEASE_MS: '6000',
  };
  // The harness's own client logs nothing: during the planned broker restart it printed every refused
  // connection (15-50 lines a run) between the progress lines; its failures still surface as errors.
  const kafka = createKafka({
    brokers: o.infra.KAFKA_BROKERS.split(','),
    clientId: 'convergence',
    logger,
    level: logLevel.NOTHING,
  });
  await ensureTopics(kafka, prefix, undefined, o.replication);
  const codec = new EventCodec(o.infra.SCHEMA_REGISTRY_URL);
  await codec.registerAll();
  const seen = await observe(kafka, codec, prefix, `${prefix}convergence-observer`);
  const services: Record<string, Service> = {};
  const start = async (name: keyof typeof ports) => {
    // The projector says little at info (lease taken or standing by, runners started, rebuilds): enough to
    // explain a views-behind finding (seed 2020 found one with nothing logged at warn).
    const own = name === 'projector' ? { ...env, LOG_LEVEL: 'info' } : env;
    services[name] = spawnService(o.repo, logDir, name, `services/${name}/src/main.ts`, own);
    // A restart during a broker restart waits for the broker too: a broker holding thousands of
    // partitions (a developer's stack after many test runs) took 90 s to serve again (seed 4001).
    await waitReady(services[name], ports[name], 300_000);
  };
  const errors: unknown[] = [];
  let dropViews = false;
  const restarting: Partial<Record<'syncer' | 'projector', Promise<void>>> = {};
  try {
    await Promise.all([start('ingest'), start('syncer'), start('poller'), start('projector')]);
    o.log(
      `services ready (logs ${path.relative(o.repo, logDir)}); initial import of ${o.initial} customers...`,
    );
    const bf = spawnService(o.repo, logDir, 'backfill', 'services/poller/src/backfill-cli.ts', env, [
      '--source',
      'both',
    ]);
    const code = await waitExit(bf, 120_000);
    if (code !== 0) throw new Error(`backfill ended with ${code}; see ${bf.log}`);
    await waitQuiet(kafka, prefix, seen, o.quietMs, o.idleTimeoutMs);

    const ops = generateOps({ seed: o.seed, ops: o.ops, rate: o.rate, initial: o.initial, siaghOnly });
    const loadMs = ops.at(-1)?.at ?? 0;
    const stats = newStats();
    const plan = planFaults({
      seed: o.seed,
      durationMs: loadMs,
      kills: o.kills,
      killProjector: o.killProjector,
      brokerRestarts: o.restartBroker ? (o.brokerRestarts ?? 1) : 0,
    });
    o.log(`load: ${ops.length} ops over ${(loadMs / 1000).toFixed(0)} s, ${plan.length} fault events`);
    const tLoad = Date.now();
    const faults = runFaults(
      plan,
      {
        crm,
        siagh,
        // One at a time per process: a kill planned while the last restart still waits for readiness
        // (slow while the broker is down) lands after it, not on a process the harness is waiting for.
        restart: (target) => {
          const next = (restarting[target] ?? Promise.resolve()).then(async () => {
            await kill9(services[target]!);
            await start(target);
          });
          restarting[target] = next.catch(() => undefined);
          return next;
        },
        ...(o.restartBroker ? { restartBroker: o.restartBroker } : {}),
      },
      o.seed,
      (e) => errors.push(e),
    );
    for (const op of ops) {
      const wait = tLoad + op.at - Date.now();
      if (wait > 0) await sleep(wait);
      applyOp(op, crm, siagh, stats);
    }
    await faults.stop();
    const load = Date.now() - tLoad;
    if (errors.length) throw new Error(`fault injection failed: ${String(errors[0])}`);
    const tQuiet = Date.now();
    // Every notice delivered or given up first: a quote has no other way in (no list endpoint).
    await Promise.race([crm.webhooks.drain(), sleep(WEBHOOK_RETRY_HORIZON_MS)]);
    await waitQuiet(kafka, prefix, seen, o.quietMs, o.idleTimeoutMs);
    const quiescence = Date.now() - tQuiet;

    const reports = await reportsInLog(kafka, codec, prefix);
    const verdict = check(
      crm,
      siagh,
      config,
      reports.conflicts,
      reports.deadLetters,
      stats,
      faults.disruptions,
    );
    const acks = await lostAcknowledgements(kafka, prefix, crm.webhooks.list());
    verdict.findings.push(...acks.findings);
    const views = await checkViews({
      url: `http://127.0.0.1:${ports.projector}`,
      token: operatorToken,
      mongoUri: o.infra.MONGODB_URI,
      db: viewsDb,
      kafka,
      prefix,
      groupId: env.PROJECTOR_GROUP_ID!,
      timeoutMs: 120_000,
    });
    verdict.findings.push(...views.findings);
    // Kept for a look when something is wrong; otherwise each run would leave a database behind.
    if (verdict.findings.length === 0) dropViews = true;
    const outcomes: Record<string, number> = {};
    for (const x of seen.outcomes) outcomes[x.status] = (outcomes[x.status] ?? 0) + 1;
    return {
      seed: o.seed,
      prefix,
      logDir,
      ops: { planned: ops.length, applied: stats.applied, skipped: stats.skipped },
      faults: Object.fromEntries(faults.injected),
      webhooksAcknowledged: acks.acknowledged,
      outcomes,
      verdict,
      views,
      durationMs: { load, quiescence, views: views.ms, total: Date.now() - t0 },
    };
  } finally {
    await Promise.all(Object.values(services).map((s) => stop(s)));
    if (dropViews) await dropDatabase(o.infra.MONGODB_URI, viewsDb).catch(() => undefined);
    await seen.stop().catch(() => undefined);
    await crm.close();
    await siagh.close();
  }
}

/** Idle = both syncer groups caught up (a transaction marker per partition aside) and no report for quietMs. */
async function waitQuiet(
  kafka: ReturnType<typeof createKafka>,
  prefix: string,
  seen: { lastOutcomeAt: number },
  quietMs: number,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const since = Date.now();
  for (;;) {
    const lag = await pipelineLag(kafka, prefix);
    // "No outcome for quietMs" means something only if the observer itself is reading: one kafkajs
    // replaced after a broker restart sat out a rebalance while the syncer went on.
    const observer = await groupLag(kafka, `${prefix}convergence-observer`, topicName('outcomes', prefix));
    const caughtUp =
      lag.router <= 2 * lag.partitions && lag.work <= 2 * lag.partitions && observer <= 2 * lag.partitions;
    const quiet = Date.now() - Math.max(seen.lastOutcomeAt, since) > quietMs;
    if (caughtUp && quiet) return;
    if (Date.now() > deadline)
      throw new Error(
        `pipeline not idle after ${timeoutMs} ms (router lag ${lag.router}, work lag ${lag.work})`,
      );
    await sleep(500);
  }
}
