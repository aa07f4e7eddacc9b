import { authError, SyncError } from '@siaghsync/shared/errors';
import { ConfigError } from '@siaghsync/shared/config';
import { errorForNetwork } from '@siaghsync/shared/http/statusErrors';
import {
  agoText,
  buildReport,
  checkExitCode,
  describeFailure,
  formatCheckLine,
  formatCheckReport,
  metricSamples,
  redact,
  webhookResult,
  type CheckResult,
} from './checkReport';
import { CliError, EXIT } from './errors';

const ok = (name: string, ms = 12, detail = ''): CheckResult => ({ name, status: 'ok', ms, detail });
const fail = (name: string, cause: CheckResult['cause'], detail = 'x'): CheckResult => ({
  name,
  status: 'fail',
  ms: 5,
  detail,
  ...(cause ? { cause } : {}),
});
const skip = (name: string, detail: string): CheckResult => ({ name, status: 'skip', ms: 3, detail });

describe('syncctl check lines', () => {
  it('puts status, name and time or reason in fixed columns', () => {
    expect(formatCheckLine(ok('crm login', 123))).toBe('ok   crm login          123 ms');
    expect(formatCheckLine(ok('siagh fiscal year', 4, '1404 (from the session)'))).toBe(
      'ok   siagh fiscal year  4 ms  1404 (from the session)',
    );
    expect(formatCheckLine(fail('siagh getall', 'failed', 'HTTP 401: refused'))).toBe(
      'FAIL siagh getall       HTTP 401: refused',
    );
    expect(formatCheckLine(skip('crm organization', 'none exists'))).toBe(
      'skip crm organization   none exists',
    );
  });

  it('prints a failure hint on its own indented line', () => {
    const line = formatCheckLine({
      ...fail('crm login', 'failed', 'HTTP 401: no'),
      hint: 'check CRM_PASSWORD',
    });
    expect(line.split('\n')).toEqual([
      'FAIL crm login          HTTP 401: no',
      `${' '.repeat(24)}hint: check CRM_PASSWORD`,
    ]);
  });

  it('ends the report with the verdict', () => {
    expect(
      formatCheckReport(buildReport([ok('kafka')]))
        .split('\n')
        .at(-1),
    ).toBe('all checks passed');
    expect(
      formatCheckReport(buildReport([ok('kafka'), fail('registry', 'failed')]))
        .split('\n')
        .at(-1),
    ).toBe('1 check failed (exit 1)');
  });
});

describe('syncctl check exit code', () => {
  it('is 0 when nothing failed, skips included', () => {
    expect(checkExitCode([ok('a'), skip('b', 'none exists')])).toBe(EXIT.ok);
    expect(buildReport([ok('a')])).toMatchObject({ ok: true, exitCode: 0 });
  });
  it('is 3 when anything did not answer, whatever else failed', () => {
    expect(checkExitCode([fail('a', 'failed'), fail('b', 'config'), fail('c', 'unreachable')])).toBe(
      EXIT.unreachable,
    );
  });
  it('is 78 for a configuration failure without an unreachable one, else 1', () => {
    expect(checkExitCode([fail('a', 'failed'), fail('b', 'config')])).toBe(EXIT.config);
    expect(checkExitCode([ok('a'), fail('b', 'failed')])).toBe(EXIT.failed);
    expect(buildReport([fail('b', 'failed')])).toMatchObject({ ok: false, exitCode: 1 });
  });
});

describe('describeFailure', () => {
  it('names the HTTP status of an answer, without repeating it, and the credential hint on 401', () => {
    const e = authError(
      'SIAGH_UNAUTHORIZED',
      'SIAGH refused the credentials or session on /GeneralApi/LoginUser (HTTP 401): bad password',
      { details: { status: 401, path: '/GeneralApi/LoginUser' } },
    );
    expect(describeFailure(e, { unauthorized: 'check SIAGH_PASSWORD' })).toEqual({
      detail: 'HTTP 401: SIAGH refused the credentials or session on /GeneralApi/LoginUser: bad password',
      cause: 'failed',
      hint: 'check SIAGH_PASSWORD',
    });
  });

  it('calls a refused connection unreachable, with the address hint', () => {
    const refused = errorForNetwork(
      'CRM',
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }),
      '/api/v2/auth/login',
    );
    const d = describeFailure(refused, { unreachable: 'check CRM_BASE_URL' });
    expect(d).toMatchObject({ cause: 'unreachable', hint: 'check CRM_BASE_URL' });
    expect(d.detail).toMatch(/^CRM unreachable on \/api\/v2\/auth\/login: .*ECONNREFUSED/);
  });

  it('calls a timeout unreachable and says so', () => {
    const t = Object.assign(new Error('registry timed out after 50 ms'), { name: 'TimeoutError' });
    expect(describeFailure(t)).toEqual({ detail: 'registry timed out after 50 ms', cause: 'unreachable' });
    const mongo = Object.assign(new Error('getaddrinfo EAI_AGAIN db'), { name: 'MongoServerSelectionError' });
    expect(describeFailure(mongo)).toEqual({
      detail: 'unreachable: getaddrinfo EAI_AGAIN db',
      cause: 'unreachable',
    });
  });

  it('keeps the cause of a CLI error and lists every bad variable of a configuration error', () => {
    expect(
      describeFailure(new CliError(EXIT.unreachable, 'Kafka is not reachable at x:1', 'start it')),
    ).toEqual({
      detail: 'Kafka is not reachable at x:1',
      cause: 'unreachable',
      hint: 'start it',
    });
    const cfg = new ConfigError('CRM adapter', [
      { variable: 'CRM_BASE_URL', problem: 'Required' },
      { variable: 'CRM_USERNAME', problem: 'Required' },
    ]);
    expect(describeFailure(cfg)).toMatchObject({
      detail: 'configuration: CRM_BASE_URL: Required; CRM_USERNAME: Required',
      cause: 'config',
    });
  });

  it('an answer that is not a status failure is a plain failure', () => {
    const bad = new SyncError('permanent', 'CRM_BAD_RESPONSE', 'CRM answered an unexpected shape on /x');
    expect(describeFailure(bad)).toEqual({
      detail: 'CRM answered an unexpected shape on /x',
      cause: 'failed',
    });
  });
});

describe('redact', () => {
  it('replaces every secret and the password of a URL', () => {
    expect(redact('login s3cret failed; token abcd-1234', ['s3cret', 'abcd-1234', undefined, ''])).toBe(
      'login *** failed; token ***',
    );
    expect(redact('cannot reach mongodb://app:pw%40x@db:27017/s', [])).toBe(
      'cannot reach mongodb://app:***@db:27017/s',
    );
  });
});

describe('agoText', () => {
  it('reads seconds, minutes and hours', () => {
    expect(agoText(12_400)).toBe('12 s ago');
    expect(agoText(4.5 * 60_000)).toBe('4.5 min ago');
    expect(agoText(3 * 3_600_000)).toBe('3.0 h ago');
    expect(agoText(-50)).toBe('0 s ago');
  });
});

describe('metricSamples', () => {
  it('reads the samples of one metric, labels included, and nothing of a metric with a longer name', () => {
    const text = [
      '# HELP siaghsync_ingest_last_webhook_timestamp_seconds x',
      'siaghsync_ingest_last_webhook_timestamp_seconds{source="crm",entity_type="customer"} 1700000000.5',
      'siaghsync_ingest_last_webhook_timestamp_seconds_other{source="crm"} 9',
      'process_start_time_seconds 1699999000',
    ].join('\n');
    expect(metricSamples(text, 'siaghsync_ingest_last_webhook_timestamp_seconds')).toEqual([
      { labels: { source: 'crm', entity_type: 'customer' }, value: 1700000000.5 },
    ]);
    expect(metricSamples(text, 'process_start_time_seconds')).toEqual([{ labels: {}, value: 1699999000 }]);
  });
});

describe('the crm webhooks line', () => {
  const now = 10_000_000;
  const facts = { lastByEntity: {}, ingestStartedAt: now - 7_200_000, lateChangeAt: null };

  it('says when the last webhook of each kind arrived', () => {
    const r = webhookResult(
      { ...facts, lastByEntity: { preinvoice: now - 300_000, customer: now - 12_000 } },
      now,
    );
    expect(r).toMatchObject({
      status: 'ok',
      detail: 'last received 12 s ago (customer 12 s ago, preinvoice 5.0 min ago)',
    });
  });

  it('skips when none arrived since the ingest started and the poller found nothing late', () => {
    expect(webhookResult(facts, now)).toMatchObject({
      status: 'skip',
      detail: 'none received since the ingest started 2.0 h ago',
    });
  });

  it('fails when the poller found a change made after every webhook received', () => {
    const r = webhookResult(
      { ...facts, lastByEntity: { customer: now - 600_000 }, lateChangeAt: now - 120_000 },
      now,
    );
    expect(r).toMatchObject({ status: 'fail', cause: 'failed' });
    expect(r.detail).toBe(
      'the poller found a CRM change made 2.0 min ago that no webhook announced: the last one arrived 10.0 min ago',
    );
    const none = webhookResult({ ...facts, lateChangeAt: now - 120_000 }, now);
    expect(none.detail).toMatch(/none received since the ingest started$/);
  });

  it('a late change older than the last webhook (or within the clock margin) was announced', () => {
    const last = now - 600_000;
    expect(
      webhookResult({ ...facts, lastByEntity: { customer: last }, lateChangeAt: last - 1 }, now).status,
    ).toBe('ok');
    expect(
      webhookResult({ ...facts, lastByEntity: { customer: last }, lateChangeAt: last + 29_000 }, now).status,
    ).toBe('ok');
  });
});
