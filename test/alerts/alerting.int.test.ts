import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT, loadStackConfig } from '../../scripts/stack/config';
import { alertingTools } from '../../scripts/stack/install';

// The alert rules are tested by Prometheus's own evaluator (promtool test rules, cases in
// alerts.test.yml) and the Alertmanager config by amtool: both built from their Go modules by the local
// stack, at the versions of the images docker-compose.yml runs. An int test only because the stack
// installs them; nothing here needs Kafka.

const tools = alertingTools(loadStackConfig());
const OPS = path.join(REPO_ROOT, 'ops');

function run(bin: string, args: string[], cwd = REPO_ROOT): { status: number; out: string } {
  if (!fs.existsSync(bin)) throw new Error(`${bin} missing: run npm run stack -- up`);
  const r = spawnSync(bin, args, { cwd, encoding: 'utf8' });
  return { status: r.status ?? 1, out: `${r.stdout}${r.stderr}` };
}

/** The tool's own output is what a failure shows. */
function expectSuccess(r: { status: number; out: string }, text: string): void {
  expect(r.out).toContain(text);
  expect(r.status).toBe(0);
}

function tempFile(name: string, text: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'alerting-'));
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

describe('alerting (promtool and amtool)', () => {
  it('the rules pass their unit tests: conflicts waiting a day, freshness, stalls, silent webhooks', () => {
    const r = run(tools.promtool, ['test', 'rules', 'alerts.test.yml'], path.join(REPO_ROOT, 'test/alerts'));
    expectSuccess(r, 'SUCCESS');
  });

  it('the rule tests fail when a rule is wrong (a day read as an hour)', () => {
    const rules = fs
      .readFileSync(path.join(OPS, 'prometheus/alerts.yml'), 'utf8')
      .replace(
        'oldest_unsettled_conflict_age_seconds) > 86400',
        'oldest_unsettled_conflict_age_seconds) > 3600',
      );
    const file = tempFile('alerts.yml', rules);
    const tests = fs
      .readFileSync(path.join(REPO_ROOT, 'test/alerts/alerts.test.yml'), 'utf8')
      .replace('../../ops/prometheus/alerts.yml', file);
    const r = run(tools.promtool, ['test', 'rules', tempFile('alerts.test.yml', tests)]);
    expect(r.status).toBe(1);
    expect(r.out).toContain('alertname: SiaghSyncConflictWaitingOverADay, time: 6m');
  });

  it('prometheus.yml is valid and sends its alerts to the Alertmanager of compose', () => {
    // prometheus.yml names its rules by their path in the container; checked against this checkout's.
    const config = fs
      .readFileSync(path.join(OPS, 'prometheus/prometheus.yml'), 'utf8')
      .replace('/etc/prometheus/alerts.yml', path.join(OPS, 'prometheus/alerts.yml'));
    expect(config).toContain("targets: ['alertmanager:9093']");
    const r = run(tools.promtool, ['check', 'config', tempFile('prometheus.yml', config)]);
    expectSuccess(r, 'SUCCESS: 17 rules found');
  });

  it('the Alertmanager config is valid, with its example email route uncommented too', () => {
    const file = path.join(OPS, 'alertmanager/alertmanager.yml');
    expectSuccess(run(tools.amtool, ['check-config', file]), 'SUCCESS');
    const withEmail = fs
      .readFileSync(file, 'utf8')
      .split('\n')
      // The commented YAML lines (`# - matchers: ...`, `#   receiver: ...`), not the prose comments.
      .map((l) => l.replace(/^(\s*)# (\s*(?:- )?[a-z_]+:(?: .*)?)$/, '$1$2'))
      .join('\n');
    expect(withEmail).toMatch(/^\s+- name: ops-email$/m);
    expect(withEmail).toMatch(/^\s+receiver: ops-email$/m);
    const r = run(tools.amtool, ['check-config', tempFile('alertmanager.yml', withEmail)]);
    expectSuccess(r, '2 receivers');
  });

  it('amtool refuses a route to a receiver that does not exist', () => {
    const broken = fs
      .readFileSync(path.join(OPS, 'alertmanager/alertmanager.yml'), 'utf8')
      .replace('receiver: ops-webhook\n  group_by', 'receiver: nobody\n  group_by');
    const r = run(tools.amtool, ['check-config', tempFile('alertmanager.yml', broken)]);
    expect(r.status).not.toBe(0);
    expect(r.out).toContain('nobody');
  });
});
