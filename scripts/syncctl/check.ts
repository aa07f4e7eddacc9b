import { InvalidArgumentError, type Command } from 'commander';
import { MongoClient } from 'mongodb';
import { z } from 'zod';
import { SCHEMA_NAMES, subjectFor } from '@siaghsync/schemas';
import { parseEnv } from '@siaghsync/shared/config';
import { CrmClient } from '@siaghsync/shared/crm/client';
import { loadCrmConfig, type CrmConfig } from '@siaghsync/shared/crm/config';
import {
  registryAuthOf,
  registryHeaders,
  replicationOf,
  replicationProblem,
  topicName,
  TOPICS,
  underReplicated,
  type TopicKey,
} from '@siaghsync/shared/kafka/index';
import { md5UpperHex, SiaghClient } from '@siaghsync/shared/siagh/client';
import { loadSiaghConfig, type SiaghConfig } from '@siaghsync/shared/siagh/config';
import {
  agoText,
  buildReport,
  describeFailure,
  formatCheckReport,
  metricSamples,
  redactResult,
  webhookResult,
  type CheckReport,
  type CheckResult,
  type WebhookFacts,
} from './checkReport';
import { serviceAddresses } from './config';
import { withTimeout, type Ctx } from './context';
import { EXIT } from './errors';
import type { Run } from './program';

// `syncctl check`: is every system the pipeline needs there, and does it accept us? Logs in to the
// CRM and Siagh with the configured credentials through the same adapters the services use, makes one
// read of each kind the pipeline makes, and checks Kafka, the schema registry and the database. It
// writes nothing anywhere. README "Operate it".

/** A check that did not run: said as a skip, never as a failure. */
class Skip {
  constructor(readonly reason: string) {}
}

interface Probe {
  name: string;
  hints?: { unauthorized?: string; unreachable?: string };
  run: () => Promise<string | Skip>;
}

async function runProbe(p: Probe, timeoutMs: number): Promise<CheckResult> {
  const started = Date.now();
  try {
    const out = await withTimeout(p.run(), timeoutMs, p.name);
    const ms = Date.now() - started;
    return out instanceof Skip
      ? { name: p.name, status: 'skip', ms, detail: out.reason }
      : { name: p.name, status: 'ok', ms, detail: out };
  } catch (err) {
    const d = describeFailure(err, p.hints);
    return {
      name: p.name,
      status: 'fail',
      ms: Date.now() - started,
      detail: d.detail,
      cause: d.cause,
      ...(d.hint ? { hint: d.hint } : {}),
    };
  }
}

const skipped = (name: string, reason: string): CheckResult => ({
  name,
  status: 'skip',
  ms: null,
  detail: reason,
});

/** Runs probes in order; when the first (the login, the connection) fails, the rest are skipped: they need it. */
async function chain(probes: Probe[], timeoutMs: number): Promise<CheckResult[]> {
  const out: CheckResult[] = [];
  for (const p of probes) {
    const first = out[0];
    out.push(
      first?.status === 'fail' ? skipped(p.name, `needs ${first.name}`) : await runProbe(p, timeoutMs),
    );
  }
  return out;
}

const configFailure = (name: string, err: unknown): CheckResult => {
  const d = describeFailure(err);
  return {
    name,
    status: 'fail',
    ms: null,
    detail: d.detail,
    cause: d.cause,
    ...(d.hint ? { hint: d.hint } : {}),
  };
};

/** What one pipeline read of the CRM showed, for the Siagh filter (a customer number both should hold). */
interface CrmFound {
  customerNumber: string | null;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

async function crmChecks(env: NodeJS.ProcessEnv, timeoutMs: number, found: CrmFound): Promise<CheckResult[]> {
  let cfg: CrmConfig;
  try {
    cfg = loadCrmConfig(env);
  } catch (err) {
    return [
      configFailure('crm login', err),
      ...['crm identities', 'crm person', 'crm organization'].map((n) => skipped(n, 'needs crm login')),
    ];
  }
  const crm = new CrmClient(cfg, {
    deviceId: 'siaghsync-syncctl',
    // One attempt, within the check's time: a check reports what it found, it does not insist.
    http: {
      retry: { maxAttempts: 1 },
      connectTimeoutMs: timeoutMs,
      headersTimeoutMs: timeoutMs,
      bodyTimeoutMs: timeoutMs,
    },
  });
  const readOne = (kind: 'person' | 'organization'): Probe => ({
    name: `crm ${kind}`,
    run: async () => {
      const [first] = await crm.listIdentities({
        identityType: kind === 'person' ? 1 : 2,
        pageNumber: 0,
        pageSize: 1,
      });
      if (!first) return new Skip(`none exists: no ${kind} to read`);
      const r =
        kind === 'person'
          ? await crm.getPerson(first.identityId)
          : await crm.getOrganization(first.identityId);
      const number = r.customerNumber ?? first.customerNo ?? null;
      if (kind === 'person') found.customerNumber = number;
      return `read ${number ?? first.identityId}`;
    },
  });
  try {
    return await chain(
      [
        {
          name: 'crm login',
          hints: {
            unauthorized: 'check CRM_USERNAME and CRM_PASSWORD',
            unreachable: `check CRM_BASE_URL (${new URL(cfg.baseUrl).origin})`,
          },
          run: async () => {
            await crm.signIn();
            return `as ${cfg.username} at ${new URL(cfg.baseUrl).origin}`;
          },
        },
        {
          name: 'crm identities',
          run: async () => {
            const page = await crm.listIdentities({ pageNumber: 0, pageSize: 10 });
            return page.length === 0
              ? 'the first page is empty: the CRM has no identities'
              : `${plural(page.length, 'identity', 'identities')} on the first page`;
          },
        },
        readOne('person'),
        readOne('organization'),
      ],
      timeoutMs,
    );
  } finally {
    await crm.close();
  }
}

async function siaghChecks(
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
  found: CrmFound,
): Promise<CheckResult[]> {
  let cfg: SiaghConfig;
  try {
    cfg = loadSiaghConfig(env);
  } catch (err) {
    return [
      configFailure('siagh login', err),
      ...['siagh fiscal year', 'siagh getall'].map((n) => skipped(n, 'needs siagh login')),
    ];
  }
  const siagh = new SiaghClient(cfg, {
    http: {
      retry: { maxAttempts: 1 },
      connectTimeoutMs: timeoutMs,
      headersTimeoutMs: timeoutMs,
      bodyTimeoutMs: timeoutMs,
    },
  });
  try {
    return await chain(
      [
        {
          name: 'siagh login',
          hints: {
            unauthorized: 'check SIAGH_USERNAME and SIAGH_PASSWORD',
            unreachable: `check SIAGH_BASE_URL (${new URL(cfg.baseUrl).origin})`,
          },
          run: async () => {
            await siagh.getSession();
            return `as ${cfg.username} at ${new URL(cfg.baseUrl).origin}`;
          },
        },
        {
          name: 'siagh fiscal year',
          run: async () => {
            const s = await siagh.getSession();
            const dateYear = Number(s.systemDate.split('/')[0]);
            // A fiscal year is the calendar's year or, in the first days of a new year, the one before.
            if (!(s.fiscalYear === dateYear || s.fiscalYear === dateYear - 1))
              throw new Error(
                `the session's FiscalYear ${s.fiscalYear} does not fit its SystemDate ${s.systemDate}`,
              );
            return `${s.fiscalYear} (from the session; system date ${s.systemDate})`;
          },
        },
        {
          name: 'siagh getall',
          run: async () => {
            // The customer number just read from the CRM: the natural key a pipeline lookup filters on.
            const n = found.customerNumber ? /^100-(\d+)$/.exec(found.customerNumber)?.[1] : undefined;
            const filter = { tmpid: n ?? '0' };
            const rows = await siagh.findContacts(filter);
            return `filter tmpid=${filter.tmpid}: ${plural(rows.length, 'contact')}`;
          },
        },
      ],
      timeoutMs,
    );
  } finally {
    await siagh.close();
  }
}

async function kafkaChecks(ctx: Ctx, timeoutMs: number): Promise<CheckResult[]> {
  const cfg = ctx.cfg();
  let brokers = 0;
  return chain(
    [
      {
        name: 'kafka',
        hints: { unreachable: `check KAFKA_BROKERS (${cfg.KAFKA_BROKERS.join(',')})` },
        run: async () => {
          const admin = await ctx.admin();
          const c = await admin.describeCluster();
          brokers = c.brokers.length;
          return `${plural(brokers, 'broker')}, controller ${c.controller ?? '-'}, cluster ${c.clusterId}`;
        },
      },
      {
        name: 'kafka replication',
        run: async () => {
          const rep = replicationOf(cfg);
          const short = replicationProblem(rep, brokers);
          if (short) throw new Error(short);
          const admin = await ctx.admin();
          const existing = new Set(await admin.listTopics());
          const ours = (Object.keys(TOPICS) as TopicKey[]).map((k) => topicName(k, cfg.TOPIC_PREFIX));
          const present = ours.filter((t) => existing.has(t));
          if (present.length > 0 && rep.replicationFactor > 1) {
            const { topics } = await admin.fetchTopicMetadata({ topics: present });
            const few = underReplicated(rep, topics);
            if (few.length > 0)
              throw new Error(
                `KAFKA_REPLICATION_FACTOR is ${rep.replicationFactor} but these topics keep fewer copies: ${few.join(', ')}`,
              );
          }
          return `factor ${rep.replicationFactor}, min in-sync ${rep.minInsyncReplicas}; ${present.length} of ${ours.length} topics exist`;
        },
      },
    ],
    timeoutMs,
  );
}

async function registryCheck(ctx: Ctx, timeoutMs: number): Promise<CheckResult> {
  const cfg = ctx.cfg();
  return runProbe(
    {
      name: 'registry',
      hints: {
        unauthorized: 'check SCHEMA_REGISTRY_USERNAME and SCHEMA_REGISTRY_PASSWORD',
        unreachable: `check SCHEMA_REGISTRY_URL (${cfg.SCHEMA_REGISTRY_URL})`,
      },
      run: async () => {
        const res = await fetch(`${cfg.SCHEMA_REGISTRY_URL.replace(/\/$/, '')}/subjects`, {
          headers: { accept: 'application/json', ...registryHeaders(registryAuthOf(cfg)) },
          signal: AbortSignal.timeout(timeoutMs),
        });
        const text = await res.text();
        if (!res.ok)
          throw Object.assign(new Error(`the registry answered ${text.slice(0, 200) || res.statusText}`), {
            details: { status: res.status },
          });
        const subjects = z.array(z.string()).parse(JSON.parse(text));
        const ours = SCHEMA_NAMES.filter((n) => subjects.includes(subjectFor(n))).length;
        return `${plural(subjects.length, 'subject')}, ${ours} of ${SCHEMA_NAMES.length} of ours registered`;
      },
    },
    timeoutMs,
  );
}

const mongoEnv = z.object({
  MONGODB_URI: z
    .string()
    .regex(/^mongodb(\+srv)?:\/\//, 'expected a mongodb:// URI')
    .default('mongodb://127.0.0.1:27017/siaghsync'),
});

/** The hosts of a mongodb:// URI, without its credentials. */
export const mongoHosts = (uri: string): string =>
  /^mongodb(?:\+srv)?:\/\/(?:[^@/]*@)?([^/?]+)/.exec(uri)?.[1] ?? '?';

async function databaseCheck(env: NodeJS.ProcessEnv, timeoutMs: number): Promise<CheckResult> {
  let uri: string;
  try {
    uri = parseEnv(mongoEnv, env, 'syncctl check').MONGODB_URI;
  } catch (err) {
    return configFailure('database', err);
  }
  return runProbe(
    {
      name: 'database',
      hints: {
        unreachable: `check MONGODB_URI (${mongoHosts(uri)})`,
        unauthorized: 'check the credentials in MONGODB_URI',
      },
      run: async () => {
        const client = new MongoClient(uri, {
          serverSelectionTimeoutMS: timeoutMs,
          connectTimeoutMS: timeoutMs,
        });
        try {
          await client.connect();
          const db = client.db();
          await db.command({ ping: 1 });
          return `ping ${mongoHosts(uri)}/${db.databaseName}`;
        } finally {
          await client.close().catch(() => undefined);
        }
      },
    },
    timeoutMs,
  );
}

async function metricsText(url: string, timeoutMs: number): Promise<string | null> {
  try {
    const res = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(timeoutMs) });
    return res.ok ? await res.text() : null;
  } catch {
    return null;
  }
}

/** What the ingest's and the poller's metrics say of the CRM's webhooks; null when the ingest does not answer. */
async function webhookFacts(
  ctx: Ctx,
  timeoutMs: number,
): Promise<{ facts: WebhookFacts | null; ingestUrl: string }> {
  const at = Object.fromEntries(serviceAddresses(ctx.cfg()).map((s) => [s.name, s.url]));
  const ingestUrl = at.ingest!;
  const [ingest, poller] = await Promise.all([
    metricsText(ingestUrl, timeoutMs),
    metricsText(at.poller!, timeoutMs),
  ]);
  if (ingest === null) return { facts: null, ingestUrl };
  const lastByEntity: Record<string, number> = {};
  for (const s of metricSamples(ingest, 'siaghsync_ingest_last_webhook_timestamp_seconds'))
    if (s.labels.source === 'crm' && s.value > 0) lastByEntity[s.labels.entity_type ?? '?'] = s.value * 1000;
  const started = metricSamples(ingest, 'process_start_time_seconds')[0]?.value;
  const late = poller
    ? metricSamples(poller, 'siaghsync_poller_late_change_source_timestamp_seconds').find(
        (s) => s.labels.source === 'crm',
      )
    : undefined;
  return {
    ingestUrl,
    facts: {
      lastByEntity,
      ingestStartedAt: started === undefined ? null : started * 1000,
      lateChangeAt: late && late.value > 0 ? late.value * 1000 : null,
    },
  };
}

async function webhookCheck(ctx: Ctx, timeoutMs: number): Promise<CheckResult> {
  const { facts, ingestUrl } = await webhookFacts(ctx, timeoutMs);
  if (!facts) return skipped('crm webhooks', `the ingest does not answer at ${ingestUrl}: cannot tell`);
  return webhookResult(facts, Date.now());
}

const lastOf = (f: WebhookFacts): number => Math.max(0, ...Object.values(f.lastByEntity));

/**
 * `--webhook`: shows when the last CRM webhook arrived, asks the operator to edit a record in the CRM
 * and waits for the ingest to accept a newer one. Sends nothing to the CRM.
 */
async function deliveryCheck(ctx: Ctx, timeoutMs: number, waitMs: number): Promise<CheckResult> {
  const name = 'crm delivery';
  const first = await webhookFacts(ctx, timeoutMs);
  if (!first.facts)
    return {
      name,
      status: 'fail',
      ms: null,
      cause: 'unreachable',
      detail: `the ingest does not answer at ${first.ingestUrl}`,
      hint: 'start it (npm start) or set INGEST_PORT / SYNCCTL_HOST',
    };
  const before = lastOf(first.facts);
  ctx.out.note(
    `last CRM webhook: ${before > 0 ? `${new Date(before).toISOString()} (${agoText(Date.now() - before)})` : 'none since the ingest started'}`,
  );
  ctx.out.note(
    `edit any person, organization or quote in the CRM now; waiting up to ${Math.round(waitMs / 1000)} s for its webhook...`,
  );
  const started = Date.now();
  while (Date.now() - started < waitMs) {
    await new Promise((r) => setTimeout(r, 500));
    const { facts } = await webhookFacts(ctx, timeoutMs);
    const newer = facts ? Object.entries(facts.lastByEntity).filter(([, at]) => at > before) : [];
    if (newer.length > 0)
      return {
        name,
        status: 'ok',
        ms: Date.now() - started,
        detail: `a webhook arrived (${newer.map(([e]) => e).join(', ')}); the one before: ${before > 0 ? agoText(Date.now() - before) : 'none'}`,
      };
  }
  return {
    name,
    status: 'fail',
    ms: Date.now() - started,
    cause: 'failed',
    detail: `no webhook arrived within ${Math.round(waitMs / 1000)} s; the last one: ${before > 0 ? agoText(Date.now() - before) : 'none since the ingest started'}`,
    hint: "was a record edited? check the CRM's webhook settings (one URL per object type, /webhooks/crm/<secret>) and the ingest's log",
  };
}

/** Every secret the configuration holds: none of them may appear in what check prints. */
function secretsOf(env: NodeJS.ProcessEnv): string[] {
  const names = Object.keys(env).filter(
    (k) => /(PASSWORD|TOKEN|SECRET|KEY)(S)?$/.test(k) && !k.endsWith('_FILE'),
  );
  const values = names.flatMap((k) => (env[k] ?? '').split(',')).map((v) => v.trim());
  const md5 = ['CRM_PASSWORD', 'SIAGH_PASSWORD'].flatMap((k) => (env[k] ? [md5UpperHex(env[k])] : []));
  return [...values, ...md5].filter((v) => v.length > 0);
}

export interface CheckOptions {
  env?: NodeJS.ProcessEnv;
  /** Wait this long for a webhook the operator triggers (`--webhook`); undefined: no wait. */
  webhookWaitMs?: number;
}

/** Runs every check (the four groups side by side: each talks to another system) and builds the report. */
export async function runChecks(ctx: Ctx, opts: CheckOptions = {}): Promise<CheckReport> {
  const env = opts.env ?? process.env;
  const timeoutMs = ctx.cfg().SYNCCTL_TIMEOUT_MS;
  const found: CrmFound = { customerNumber: null };
  const crm = crmChecks(env, timeoutMs, found);
  // Siagh's GetAll filters on the customer number the CRM read found, so it follows the CRM's checks.
  const siagh = crm.then(() => siaghChecks(env, timeoutMs, found));
  const [c, s, k, r, d, w] = await Promise.all([
    crm,
    siagh,
    // Longer than the admin's own connect limit (twice the timeout), whose message names the brokers.
    kafkaChecks(ctx, timeoutMs * 3),
    registryCheck(ctx, timeoutMs),
    databaseCheck(env, timeoutMs),
    webhookCheck(ctx, timeoutMs),
  ]);
  const all = [...c, ...s, ...k, r, d, w];
  if (opts.webhookWaitMs !== undefined) all.push(await deliveryCheck(ctx, timeoutMs, opts.webhookWaitMs));
  const secrets = secretsOf(env);
  return buildReport(all.map((x) => redactResult(x, secrets)));
}

function parseSeconds(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0 || n > 3600) throw new InvalidArgumentError('seconds between 1 and 3600');
  return n;
}

export function registerCheck(program: Command, run: Run): void {
  program
    .command('check')
    .description(
      'log in to the CRM and Siagh with the configured credentials, make one read of each kind the pipeline makes, and check Kafka, the schema registry and the database: one line per check',
    )
    .addHelpText(
      'after',
      `
Checks, in order: crm login, crm identities (the first page), crm person and crm organization (one
read each; "skip" when none exists), siagh login, siagh fiscal year (from the session), siagh getall
(filtered on the customer number just read), kafka (describe cluster), kafka replication
(KAFKA_REPLICATION_FACTOR against the brokers and the topics), registry (subjects), database (ping),
crm webhooks (the ingest's last CRM webhook; FAIL when the poller found a CRM change made after every
webhook received: none announced it). --webhook adds crm delivery: it asks you to edit a record in the
CRM and waits for its webhook. Each check takes at most SYNCCTL_TIMEOUT_MS (Kafka three times that).
Nothing is written; no password or token is printed.

Exit codes: ${EXIT.ok} every check passed (skips are not failures), ${EXIT.unreachable} something did not answer
(Kafka, the CRM, Siagh, the registry or the database: refused, DNS or timeout), ${EXIT.config} a check's
configuration is missing or invalid, ${EXIT.failed} a system answered with a failure (e.g. HTTP 401 at login).`,
    )
    .option(
      '--webhook',
      'also test one CRM webhook delivery: edit a record in the CRM when asked (nothing is sent to it)',
    )
    .option('--webhook-wait <seconds>', 'how long --webhook waits for the delivery', parseSeconds, 120)
    .action((opts: { webhook?: boolean; webhookWait: number }) =>
      run(async (ctx) => {
        const report = await runChecks(ctx, opts.webhook ? { webhookWaitMs: opts.webhookWait * 1000 } : {});
        ctx.out.result(report, () => formatCheckReport(report));
        return report.exitCode;
      }),
    );
}
