import { spawn } from 'node:child_process';
import path from 'node:path';
import { startCrmSimulator, type CrmSimulator } from '../../../simulators/crm/server';
import { startSiaghSimulator, type SiaghSimulator } from '../../../simulators/siagh/server';
import { requireEnv } from '../../../test/harness/names';
import { eventually, settle, setupEnv, type Env } from './testkit';

jest.setTimeout(180_000);
const ROOT = path.resolve(__dirname, '../../..');

function runCli(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(ROOT, 'services/poller/src/backfill-cli.ts'), ...args],
      {
        cwd: ROOT,
        env: { ...process.env, ...env },
      },
    );
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('npm run backfill (real broker, registry, simulators)', () => {
  let crm: CrmSimulator;
  let siagh: SiaghSimulator;
  let env: Env;

  beforeAll(async () => {
    crm = await startCrmSimulator({ dataset: { customers: 8, seed: 2 } });
    siagh = await startSiaghSimulator({ dataset: { customers: 6, seed: 2 } });
    env = await setupEnv('backfill');
  });
  afterAll(async () => {
    await env.close();
    await crm.close();
    await siagh.close();
  });

  const vars = () => ({
    KAFKA_BROKERS: requireEnv('KAFKA_BROKERS'),
    SCHEMA_REGISTRY_URL: requireEnv('SCHEMA_REGISTRY_URL'),
    TOPIC_PREFIX: env.prefix,
    CRM_BASE_URL: crm.url,
    CRM_USERNAME: 'admin',
    CRM_PASSWORD: 'admin',
    SIAGH_BASE_URL: siagh.url,
    SIAGH_USERNAME: 'admin',
    SIAGH_PASSWORD: 'admin',
  });

  it('--source both emits every record with trigger=backfill and prints a summary', async () => {
    const r = await runCli(['--source', 'both', '--run-id', 'r1'], vars());
    expect(r.stderr).not.toContain('backfill failed');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/crm\s+8\s+8\s+0\s+0\s+0\s+complete/);
    expect(r.stdout).toMatch(/siagh\s+6\s+6\s+0\s+0\s+0\s+complete/);
    const total = crm.store.identities.size + siagh.store.contacts.size;
    await eventually(() => env.events.length >= total);
    const evs = await settle(env);
    expect(evs).toHaveLength(total);
    expect(
      evs.every((e) => e.trigger === 'backfill' && e.operation === 'upsert' && e.snapshot !== null),
    ).toBe(true);
  });

  it('a source that cannot be reached exits 2; a bad argument exits non-zero with a message', async () => {
    const down = await runCli(['--source', 'siagh'], {
      ...vars(),
      SIAGH_BASE_URL: 'http://127.0.0.1:9',
      SIAGH_TIMEOUT_MS: '2000',
    });
    expect(down.code).toBe(2);
    const bad = await runCli(['--source', 'erp'], vars());
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('--source');
  });
});
