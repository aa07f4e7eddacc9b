// `syncctl check`, the pure part (unit-tested): one result per check, its line, the exit code of them
// all, how a thrown error becomes a reason, and the redaction every printed text goes through.

import { CliError, EXIT, isUnreachable, type ExitCode } from './errors';

export type CheckStatus = 'ok' | 'fail' | 'skip';

/**
 * Why a check failed: nothing answered (refused, DNS, timeout: exit 3), the configuration does not
 * let it run (exit 78), or the system answered with a failure (exit 1).
 */
export type FailureCause = 'unreachable' | 'config' | 'failed';

export interface CheckResult {
  /** "crm login", "siagh getall", "kafka", ... */
  name: string;
  status: CheckStatus;
  /** How long it took; null for a check that was skipped without a call. */
  ms: number | null;
  /** What was found (ok), why it failed (fail) or why it did not run (skip). */
  detail: string;
  /** For a failure: what to look at. */
  hint?: string;
  cause?: FailureCause;
}

export interface CheckReport {
  ok: boolean;
  exitCode: ExitCode;
  checks: CheckResult[];
}

const NAME_WIDTH = 19;
const LABEL: Record<CheckStatus, string> = { ok: 'ok', fail: 'FAIL', skip: 'skip' };

/** `ok   crm login           123 ms  ...`, `FAIL siagh login         HTTP 401: ...`, `skip crm organization  none exists`. */
export function formatCheckLine(r: CheckResult): string {
  const head = `${LABEL[r.status].padEnd(4)} ${r.name.padEnd(NAME_WIDTH)}`;
  const body =
    r.status === 'ok'
      ? [r.ms === null ? null : `${r.ms} ms`, r.detail || null].filter(Boolean).join('  ')
      : r.detail;
  const line = `${head}${body}`.trimEnd();
  return r.status === 'fail' && r.hint ? `${line}\n${' '.repeat(5 + NAME_WIDTH)}hint: ${r.hint}` : line;
}

export function formatCheckReport(report: CheckReport): string {
  const lines = report.checks.map(formatCheckLine);
  const failed = report.checks.filter((c) => c.status === 'fail').length;
  lines.push(
    '',
    failed === 0
      ? 'all checks passed'
      : `${failed} check${failed === 1 ? '' : 's'} failed (exit ${report.exitCode})`,
  );
  return lines.join('\n');
}

/**
 * 0 when nothing failed (skips are not failures); 3 when a failure was something not answering; else
 * 78 when one was the configuration; else 1.
 */
export function checkExitCode(checks: readonly CheckResult[]): ExitCode {
  const failed = checks.filter((c) => c.status === 'fail');
  if (failed.length === 0) return EXIT.ok;
  if (failed.some((c) => c.cause === 'unreachable')) return EXIT.unreachable;
  if (failed.some((c) => c.cause === 'config')) return EXIT.config;
  return EXIT.failed;
}

export function buildReport(checks: CheckResult[]): CheckReport {
  const exitCode = checkExitCode(checks);
  return { ok: exitCode === EXIT.ok, exitCode, checks };
}

export interface Described {
  detail: string;
  cause: FailureCause;
  hint?: string;
}

const NET_SYNC_CODE = /_(NETWORK|TIMEOUT)$/;

/**
 * A thrown error as a check's reason: `HTTP 401: <message>` when a system answered with a status,
 * `unreachable` for a failed connection or a timeout, the configuration's own text for a ConfigError.
 */
export function describeFailure(
  err: unknown,
  hints: { unauthorized?: string; unreachable?: string } = {},
): Described {
  const e = err as {
    name?: string;
    code?: unknown;
    message?: string;
    details?: { status?: unknown };
    issues?: { variable: string; problem: string }[];
  };
  if (err instanceof CliError)
    return {
      detail: err.message,
      cause:
        err.exitCode === EXIT.unreachable
          ? 'unreachable'
          : err.exitCode === EXIT.config
            ? 'config'
            : 'failed',
      ...(err.hint ? { hint: err.hint } : {}),
    };
  if (e?.name === 'ConfigError' && Array.isArray(e.issues))
    return {
      detail: `configuration: ${e.issues.map((i) => `${i.variable}: ${i.problem}`).join('; ')}`,
      cause: 'config',
      hint: 'see .env.example for the variable',
    };
  const message = (e?.message ?? String(err)).replace(/\s+/g, ' ').trim();
  const status = typeof e?.details?.status === 'number' ? e.details.status : undefined;
  if (status !== undefined) {
    const auth = status === 401 || status === 403;
    return {
      detail: `HTTP ${status}: ${message.replace(/ \(HTTP \d+\)/, '')}`,
      cause: 'failed',
      ...(auth && hints.unauthorized ? { hint: hints.unauthorized } : {}),
    };
  }
  const unreachable =
    (typeof e?.code === 'string' && NET_SYNC_CODE.test(e.code)) ||
    e?.name === 'TimeoutError' ||
    e?.name === 'MongoServerSelectionError' ||
    e?.name === 'MongoNetworkError' ||
    isUnreachable(err);
  return {
    detail:
      unreachable && !/unreachable|timed out|not reachable/i.test(message)
        ? `unreachable: ${message}`
        : message,
    cause: unreachable ? 'unreachable' : 'failed',
    ...(unreachable && hints.unreachable ? { hint: hints.unreachable } : {}),
  };
}

/**
 * Replaces every secret (and a URL's password) in a text with `***`: a system's error text or a
 * library's message must never carry a credential onto the operator's screen or a CI log.
 */
export function redact(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text.replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^:/@\s]+:)[^@\s]+@/gi, '$1***@');
  for (const s of secrets) if (s && s.length >= 3) out = out.split(s).join('***');
  return out;
}

export function redactResult(r: CheckResult, secrets: readonly (string | undefined)[]): CheckResult {
  return {
    ...r,
    detail: redact(r.detail, secrets),
    ...(r.hint === undefined ? {} : { hint: redact(r.hint, secrets) }),
  };
}

/** "12 s ago", "4.5 min ago", "3.0 h ago". */
export function agoText(ms: number): string {
  const s = Math.max(0, ms / 1000);
  if (s < 90) return `${Math.round(s)} s ago`;
  if (s < 90 * 60) return `${(s / 60).toFixed(1)} min ago`;
  return `${(s / 3600).toFixed(1)} h ago`;
}

/** The samples of one metric in Prometheus text: labels and value per line. */
export function metricSamples(
  text: string,
  name: string,
): { labels: Record<string, string>; value: number }[] {
  const out: { labels: Record<string, string>; value: number }[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith(name) || (line[name.length] !== '{' && line[name.length] !== ' ')) continue;
    const m = /^[^{\s]+(?:\{([^}]*)\})?\s+(\S+)/.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[1] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!;
    const value = Number(m[2]);
    if (Number.isFinite(value)) out.push({ labels, value });
  }
  return out;
}

/** What the ingest and the poller record of the CRM's webhooks (epoch ms; null: nothing recorded). */
export interface WebhookFacts {
  /** The last CRM webhook accepted per entity type (customer, preinvoice). */
  lastByEntity: Record<string, number>;
  ingestStartedAt: number | null;
  /** The CRM modification time of the newest change the poller found a minute or more late. */
  lateChangeAt: number | null;
}

/** Clocks of the CRM and of the ingest may differ: a change must be this much newer than the last webhook. */
export const CLOCK_MARGIN_MS = 30_000;

/**
 * The `crm webhooks` line: when the last webhook arrived, and whether the poller found a CRM change
 * made after every webhook the ingest received (no webhook can have announced it: delivery is broken).
 */
export function webhookResult(f: WebhookFacts, now: number): CheckResult {
  const name = 'crm webhooks';
  const times = Object.values(f.lastByEntity);
  const last = times.length > 0 ? Math.max(...times) : null;
  const since = last ?? f.ingestStartedAt;
  if (f.lateChangeAt !== null && since !== null && f.lateChangeAt > since + CLOCK_MARGIN_MS) {
    return {
      name,
      status: 'fail',
      ms: null,
      cause: 'failed',
      detail: `the poller found a CRM change made ${agoText(now - f.lateChangeAt)} that no webhook announced: ${
        last === null
          ? 'none received since the ingest started'
          : `the last one arrived ${agoText(now - last)}`
      }`,
      hint: "check the CRM's webhook settings (one URL per object type, /webhooks/crm/<secret>); syncctl check --webhook tests one delivery",
    };
  }
  if (last === null)
    return {
      name,
      status: 'skip',
      ms: null,
      detail: `none received since the ingest started${f.ingestStartedAt === null ? '' : ` ${agoText(now - f.ingestStartedAt)}`}`,
    };
  const each = Object.entries(f.lastByEntity)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([entity, at]) => `${entity} ${agoText(now - at)}`)
    .join(', ');
  return { name, status: 'ok', ms: null, detail: `last received ${agoText(now - last)} (${each})` };
}
