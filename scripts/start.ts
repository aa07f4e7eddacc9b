import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { clientEndpoints, loadStackConfig, REPO_ROOT } from './stack/config';
import { down, status, up } from './stack/lifecycle';
import { say } from './stack/run';

// `npm start`: the whole pipeline on this machine. Starts the local stack (unless KAFKA_BROKERS etc.
// point elsewhere), the simulators with demo data (unless CRM_BASE_URL and SIAGH_BASE_URL name real
// systems), and every service; prints where everything is; Ctrl-C stops exactly what it started.

interface Part {
  name: string;
  entry: string;
  env: Record<string, string>;
}

const realSystems = Boolean(process.env.CRM_BASE_URL && process.env.SIAGH_BASE_URL);
const externalInfra = Boolean(process.env.KAFKA_BROKERS && process.env.SCHEMA_REGISTRY_URL && process.env.MONGODB_URI);

async function main(): Promise<void> {
  const children: { name: string; child: ChildProcess }[] = [];
  const cfg = loadStackConfig();
  let startedStack = false;
  let endpoints: Record<string, string>;
  if (externalInfra) {
    endpoints = {
      KAFKA_BROKERS: process.env.KAFKA_BROKERS!,
      SCHEMA_REGISTRY_URL: process.env.SCHEMA_REGISTRY_URL!,
      MONGODB_URI: process.env.MONGODB_URI!,
    };
  } else {
    startedStack = !(await status(cfg)).some((s) => s.running);
    await up(cfg);
    endpoints = clientEndpoints(cfg);
  }

  const crmPort = process.env.CRM_SIM_PORT ?? '7101';
  const siaghPort = process.env.SIAGH_SIM_PORT ?? '7102';
  const ingestPort = process.env.INGEST_PORT ?? '7201';
  const projectorPort = process.env.PROJECTOR_PORT ?? '7204';
  const webhookSecret = process.env.CRM_WEBHOOK_SECRET ?? 'demo-crm-webhook-secret';
  const systems = realSystems
    ? {}
    : {
        CRM_BASE_URL: `http://127.0.0.1:${crmPort}`,
        CRM_USERNAME: 'admin',
        CRM_PASSWORD: 'admin',
        SIAGH_BASE_URL: `http://127.0.0.1:${siaghPort}`,
        SIAGH_USERNAME: 'admin',
        SIAGH_PASSWORD: 'admin',
      };
  const common = { ...endpoints, ...systems, CRM_WEBHOOK_SECRET: webhookSecret };

  const parts: Part[] = [];
  if (!realSystems) {
    parts.push(
      {
        name: 'crm-sim',
        entry: 'simulators/crm/main.ts',
        env: {
          CRM_SIM_PORT: crmPort,
          SIM_SEED: process.env.SIM_SEED ?? '1404',
          SIM_CUSTOMERS: process.env.SIM_CUSTOMERS ?? '2000',
          CRM_SIM_WEBHOOK_URL: `http://127.0.0.1:${ingestPort}/webhooks/crm/${webhookSecret}`,
        },
      },
      {
        name: 'siagh-sim',
        entry: 'simulators/siagh/main.ts',
        env: {
          SIAGH_SIM_PORT: siaghPort,
          SIM_SEED: process.env.SIM_SEED ?? '1404',
          SIM_CUSTOMERS: process.env.SIM_CUSTOMERS ?? '2000',
        },
      },
    );
  }
  for (const svc of ['ingest', 'poller', 'syncer', 'projector']) {
    parts.push({ name: svc, entry: `services/${svc}/src/main.ts`, env: {} });
  }

  for (const part of parts) {
    if (!fs.existsSync(path.join(REPO_ROOT, part.entry))) {
      say(`${part.name}: not built yet (${part.entry} missing), skipped`);
      continue;
    }
    const child = spawn(process.execPath, ['--import', 'tsx', part.entry], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...common, ...part.env },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    child.on('exit', (code, signal) => {
      if (!stopping) say(`${part.name} exited (${signal ?? code}); stopping everything`), void stopAll(1);
    });
    children.push({ name: part.name, child });
  }

  let stopping = false;
  const stopAll = async (exitCode: number): Promise<void> => {
    if (stopping) return;
    stopping = true;
    say('stopping...');
    await Promise.all(
      children.map(
        ({ child }) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGTERM');
            setTimeout(() => child.kill('SIGKILL'), 15_000).unref();
          }),
      ),
    );
    if (startedStack) await down(cfg);
    process.exit(exitCode);
  };
  process.on('SIGINT', () => void stopAll(0));
  process.on('SIGTERM', () => void stopAll(0));

  say('SiaghSync is running:');
  for (const [k, v] of Object.entries(endpoints)) say(`  ${k.padEnd(20)} ${v}`);
  if (!realSystems) {
    say(`  CRM simulator        http://127.0.0.1:${crmPort}  (admin/admin)`);
    say(`  Siagh simulator      http://127.0.0.1:${siaghPort}  (admin/admin)`);
  }
  say(`  ingest               http://127.0.0.1:${ingestPort}`);
  say(`  dashboard            http://127.0.0.1:${projectorPort}/`);
  say('Ctrl-C stops everything this command started.');
  // Keeps running even when every part is a detached stack process.
  setInterval(() => undefined, 60_000);
}

main().catch((err: unknown) => {
  say(`failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
