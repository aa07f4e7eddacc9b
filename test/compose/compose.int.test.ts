import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { VERSIONS, REPO_ROOT, loadStackConfig } from '../../scripts/stack/config';

// Docker's engine is not on these machines, but the compose CLI validates a file without one. The
// stack installs the compose plugin (built with Go) alongside the other parts.

/** The variables docker-compose.yml requires (no defaults for secrets), with values that pass. */
const REQUIRED = {
  CRM_PASSWORD: 'compose-check-crm-password',
  SIAGH_PASSWORD: 'compose-check-siagh-password',
  CRM_WEBHOOK_SECRET: 'compose-check-webhook-0123456789',
  OPERATOR_TOKEN: 'compose-check-operator-0123456789',
  PROJECTOR_READ_TOKEN: 'compose-check-read-token-0123456789',
  OPERATOR_EVENT_KEY: 'compose-check-operator-event-key-0123456789',
};

function composeConfig(
  file: string,
  env: Record<string, string> = REQUIRED,
): { status: number; stderr: string } {
  const cfg = loadStackConfig();
  const plugin = path.join(
    cfg.STACK_CACHE_DIR,
    `docker-compose-${VERSIONS.compose}`,
    'cli-plugins',
    'docker-compose',
  );
  if (!fs.existsSync(plugin)) throw new Error(`compose plugin missing at ${plugin}: run npm run stack -- up`);
  const dockerConfig = fs.mkdtempSync(path.join(os.tmpdir(), 'dcfg-'));
  fs.mkdirSync(path.join(dockerConfig, 'cli-plugins'));
  fs.symlinkSync(plugin, path.join(dockerConfig, 'cli-plugins', 'docker-compose'));
  try {
    execFileSync('docker', ['compose', '-f', file, 'config', '-q'], {
      cwd: REPO_ROOT,
      env: { ...withoutRequired(process.env), ...env, DOCKER_CONFIG: dockerConfig },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return { status: 0, stderr: '' };
  } catch (e) {
    const err = e as { status?: number; stderr?: Buffer };
    return { status: err.status ?? 1, stderr: err.stderr?.toString() ?? '' };
  } finally {
    fs.rmSync(dockerConfig, { recursive: true, force: true });
  }
}

function withoutRequired(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const rest = { ...env };
  for (const name of Object.keys(REQUIRED)) delete rest[name];
  return rest;
}

describe('docker-compose.yml', () => {
  it('is valid for `docker compose config -q`', () => {
    expect(composeConfig(path.join(REPO_ROOT, 'docker-compose.yml'))).toEqual({ status: 0, stderr: '' });
  });

  it('refuses to run without each secret, naming it', () => {
    for (const name of Object.keys(REQUIRED)) {
      const env: Record<string, string> = { ...REQUIRED };
      delete env[name];
      const res = composeConfig(path.join(REPO_ROOT, 'docker-compose.yml'), env);
      expect({ name, status: res.status }).toEqual({ name, status: 1 });
      expect(res.stderr).toContain(`required variable ${name} is missing a value`);
    }
  });

  it('the check really fails on a broken file', () => {
    const broken = path.join(os.tmpdir(), `broken-compose-${process.pid}.yml`);
    fs.writeFileSync(broken, 'services:\n  a:\n    image: x\n    depends_on: [missing]\n');
    const res = composeConfig(broken);
    fs.rmSync(broken);
    expect(res.status).not.toBe(0);
    expect(res.stderr).toMatch(/missing/);
  });

  it('has every service and simulator listen on all interfaces of its container', () => {
    // Each listens on 127.0.0.1 by default, which in a container no other container can reach.
    const file = parse(fs.readFileSync(path.join(REPO_ROOT, 'docker-compose.yml'), 'utf8'), {
      merge: true,
    }) as { services: Record<string, { environment?: Record<string, unknown> }> };
    const hosts = {
      ingest: 'INGEST_HOST',
      poller: 'POLLER_HOST',
      syncer: 'SYNCER_HOST',
      projector: 'PROJECTOR_HOST',
      'crm-sim': 'CRM_SIM_HOST',
      'siagh-sim': 'SIAGH_SIM_HOST',
    };
    for (const [service, variable] of Object.entries(hosts)) {
      expect({ service, [variable]: file.services[service]?.environment?.[variable] }).toEqual({
        service,
        [variable]: '0.0.0.0',
      });
    }
  });

  it('runs the official images named in the design', () => {
    const text = fs.readFileSync(path.join(REPO_ROOT, 'docker-compose.yml'), 'utf8');
    expect(text).toMatch(/image: apache\/kafka:4\./);
    expect(text).toMatch(/image: apicurio\/apicurio-registry:/);
    expect(text).toMatch(/image: mongo:7/);
  });
});
