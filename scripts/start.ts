import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { clientEndpoints, loadStackConfig, REPO_ROOT } from './stack/config';
import { down, status, up } from './stack/lifecycle';
import { removeSession, sessionAllowed, writeSession } from './session';

// `npm start`: the whole pipeline on this machine. Starts the local stack (unless KAFKA_BROKERS etc.
// point elsewhere), the simulators with seeded demo data (unless CRM_BASE_URL and SIAGH_BASE_URL name
// real systems), every service, the initial import once they are ready, and a gentle load generator;
// prints where everything is. Each part logs to .stack/logs/<name>.log so this terminal stays readable.
// Ctrl-C stops exactly what it started (a stack that was already running is left running).

interface Part {
  name: string;
  entry: string;
  env: Record<string, string>;
  /** Port whose /ready must answer 200 before the pipeline counts as up. */
  readyPort?: string;
}

const env = process.env;

/**
 * A secret the user gave, as X or as X_FILE (read here; the services are then handed X, and X_FILE is
 * blanked for them, since a service given both refuses to start), or undefined to generate one.
 */
function givenSecret(name: string): string | undefined {
  if (env[name]) return env[name];
  const file = env[`${name}_FILE`];
  if (!file) return undefined;
  env[`${name}_FILE`] = '';
  env[name] = fs.readFileSync(file, 'utf8').replace(/\r?\n$/, '');
  return env[name];
}
const realSystems = Boolean(env.CRM_BASE_URL && env.SIAGH_BASE_URL);
const externalInfra = Boolean(env.KAFKA_BROKERS && env.SCHEMA_REGISTRY_URL && env.MONGODB_URI);
const say = (message: string): void => void process.stderr.write(`[start] ${message}\n`);
/** Replaced by main() once there is something to stop. */
let stopAll = (exitCode: number): Promise<void> => Promise.resolve(process.exit(exitCode));

const ports = {
  crm: env.CRM_SIM_PORT ?? '7101',
  siagh: env.SIAGH_SIM_PORT ?? '7102',
  ingest: env.INGEST_PORT ?? '7201',
  syncer: env.SYNCER_PORT ?? '7202',
  poller: env.POLLER_PORT ?? '7203',
  projector: env.PROJECTOR_PORT ?? '7204',
};

/** True when something already listens there (a second npm start, a service run by hand). */
function portBusy(port: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port: Number(port) });
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });
}

async function waitReady(name: string, port: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (child.exitCode !== null)
      throw new Error(`${name} exited (code ${child.exitCode}) before it was ready; see its log`);
    const ok = await fetch(`http://127.0.0.1:${port}/ready`, { signal: AbortSignal.timeout(2000) }).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${name} not ready on port ${port} after ${timeoutMs / 1000} s; see its log`);
}

async function main(): Promise<void> {
  const cfg = loadStackConfig();
  const logDir = cfg.logDir;
  fs.mkdirSync(logDir, { recursive: true });
  const demo = !realSystems;
  const busy = [];
  for (const [name, port] of Object.entries(ports)) {
    if ((demo || !['crm', 'siagh'].includes(name)) && (await portBusy(port))) busy.push(`${port} (${name})`);
  }
  if (busy.length > 0) {
    say(
      `ports already in use: ${busy.join(', ')}. Is another \`npm start\` running? Stop it, or set the *_PORT variables (.env.example).`,
    );
    process.exit(1);
  }

  let startedStack = false;
  let endpoints: Record<string, string>;
  if (externalInfra) {
    endpoints = {
      KAFKA_BROKERS: env.KAFKA_BROKERS!,
      SCHEMA_REGISTRY_URL: env.SCHEMA_REGISTRY_URL!,
      MONGODB_URI: env.MONGODB_URI!,
    };
  } else {
    // `up` is idempotent: a stack already running (e.g. the developers' shared one) is reused, never stopped.
    startedStack = !(await status(cfg)).some((s) => s.running);
    say(
      startedStack
        ? 'starting the local stack (Kafka, schema registry, FerretDB)...'
        : 'reusing the local stack that is already running',
    );
    await up(cfg);
    endpoints = clientEndpoints(cfg);
  }

  const operatorToken = givenSecret('OPERATOR_TOKEN') ?? randomBytes(24).toString('base64url');
  // Signs operator events from the projector for the syncer; only those two need it, nothing prints it.
  const operatorEventKey = givenSecret('OPERATOR_EVENT_KEY') ?? randomBytes(32).toString('base64url');
  // The projector serves customer records only to a token holder: the dashboard link below carries it.
  const readToken = givenSecret('PROJECTOR_READ_TOKEN') ?? randomBytes(24).toString('base64url');
  const webhookSecret = givenSecret('CRM_WEBHOOK_SECRET') ?? randomBytes(18).toString('base64url');
  const seed = env.SIM_SEED ?? '1404';
  const customers = env.SIM_CUSTOMERS ?? '3000';
  const systems = realSystems
    ? {}
    : {
        CRM_BASE_URL: `http://127.0.0.1:${ports.crm}`,
        CRM_USERNAME: 'admin',
        CRM_PASSWORD: 'admin',
        SIAGH_BASE_URL: `http://127.0.0.1:${ports.siagh}`,
        SIAGH_USERNAME: 'admin',
        SIAGH_PASSWORD: 'admin',
        // The bundled CRM simulator keeps properties an update omits (simulators/crm/ASSUMPTIONS.md).
        CRM_UPDATE_MODE: env.CRM_UPDATE_MODE ?? 'changed-fields',
      };
  // The simulators keep their data in memory and start from the seed each time, while Kafka and
  // MongoDB keep theirs. A demo run therefore gets its own topics and database: the pipeline's memory
  // of an earlier run's records (which the fresh simulators no longer have) would read as deletes.
  const runId = new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14);
  const namespace =
    demo && !env.TOPIC_PREFIX
      ? {
          TOPIC_PREFIX: `demo${runId}.`,
          MONGODB_URI: endpoints.MONGODB_URI!.replace(/\/([^/?]*)(\?|$)/, `/siaghsync_demo${runId}$2`),
        }
      : {};
  const common = {
    ...endpoints,
    ...namespace,
    ...systems,
    CRM_WEBHOOK_SECRET: webhookSecret,
    OPERATOR_TOKEN: operatorToken,
    PROJECTOR_READ_TOKEN: readToken,
    INGEST_PORT: ports.ingest,
    SYNCER_PORT: ports.syncer,
    POLLER_PORT: ports.poller,
    PROJECTOR_PORT: ports.projector,
  };

  const parts: Part[] = [];
  if (demo) {
    // Both simulators generate their side of the same dataset: same seed, customers and overlap.
    const dataset = {
      SIM_SEED: seed,
      SIM_CUSTOMERS: customers,
      SIM_OVERLAP: env.SIM_OVERLAP ?? '0.6',
      SIM_LOG_LEVEL: env.SIM_LOG_LEVEL ?? 'warn',
    };
    parts.push(
      {
        name: 'crm-sim',
        entry: 'simulators/crm/main.ts',
        env: {
          ...dataset,
          CRM_SIM_PORT: ports.crm,
          SIM_QUOTES: env.SIM_QUOTES ?? '300',
          CRM_SIM_WEBHOOK_URL: `http://127.0.0.1:${ports.ingest}/webhooks/crm/${webhookSecret}`,
        },
      },
      {
        name: 'siagh-sim',
        entry: 'simulators/siagh/main.ts',
        env: { ...dataset, SIAGH_SIM_PORT: ports.siagh },
      },
    );
  }
  for (const svc of ['ingest', 'poller', 'syncer', 'projector'] as const) {
    parts.push({
      name: svc,
      entry: `services/${svc}/src/main.ts`,
      // The dashboard's freshness headline asks the syncer how far behind it is; the projector signs
      // operator events, and the poller its snapshots, with the key the syncer checks them with.
      env:
        svc === 'projector'
          ? { SYNCER_URLS: `http://127.0.0.1:${ports.syncer}`, OPERATOR_EVENT_KEY: operatorEventKey }
          : svc === 'syncer' || svc === 'poller'
            ? { OPERATOR_EVENT_KEY: operatorEventKey }
            : {},
      readyPort: ports[svc],
    });
  }

  const children: { name: string; child: ChildProcess }[] = [];
  let stopping = false;
  const spawnPart = (part: Part, args: string[] = []): ChildProcess => {
    const log = fs.openSync(path.join(logDir, `${part.name}.log`), 'a');
    const child = spawn(process.execPath, ['--import', 'tsx', part.entry, ...args], {
      cwd: REPO_ROOT,
      env: { ...env, ...common, ...part.env },
      stdio: ['ignore', log, log],
      // Its own process group: a terminal's Ctrl-C reaches only this script, which then stops the parts in
      // order. In the terminal's group the simulators died with the services, and the syncer's last events
      // retried against a CRM already gone until it was killed.
      detached: true,
    });
    fs.closeSync(log);
    children.push({ name: part.name, child });
    return child;
  };

  stopAll = async (exitCode: number): Promise<void> => {
    if (stopping) return;
    stopping = true;
    say('stopping...');
    // In stages, each in parallel: the load generator and backfill, then the services (they finish
    // in-flight work and commit), then the simulators the services were still talking to.
    const stages = [
      ['load', 'backfill'],
      ['ingest', 'poller', 'syncer', 'projector'],
      ['crm-sim', 'siagh-sim'],
    ];
    for (const stage of stages) {
      await Promise.all(
        children
          .filter(
            ({ name, child }) => stage.includes(name) && child.exitCode === null && child.signalCode === null,
          )
          .map(
            ({ name, child }) =>
              new Promise<void>((resolve) => {
                const force = setTimeout(
                  () => (say(`  ${name} did not stop in 15 s: killed`), child.kill('SIGKILL')),
                  15_000,
                );
                child.once('exit', () => (clearTimeout(force), say(`  ${name} stopped`), resolve()));
                child.kill('SIGTERM');
              }),
          ),
      );
    }
    if (startedStack) {
      const r = await down(cfg);
      say(`  stack stopped (${r.stopped.join(', ') || 'nothing'})`);
    }
    process.exit(exitCode);
  };
  // Detached parts do not die with this script: if it ends without stopping them, they are killed.
  process.on('exit', () => {
    removeSession(cfg.STACK_DIR);
    for (const { child } of children)
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  // Ctrl-C, a supervisor's or `timeout`'s SIGTERM, a closed terminal's SIGHUP: all stop what we started.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => void stopAll(0));
  // npm passes a SIGTERM on to its shell and exits without waiting, and the shell dies without passing
  // it on: we learn of it only by being handed to another parent. Nobody is left to stop us then.
  const parent = process.ppid;
  setInterval(() => process.ppid !== parent && void stopAll(0), 500).unref();
  // After SIGHUP the terminal is gone and writing to it fails (EIO): the stop must still finish.
  process.stderr.on('error', () => undefined);
  process.stdout.on('error', () => undefined);

  for (const part of parts) {
    if (!fs.existsSync(path.join(REPO_ROOT, part.entry))) {
      say(`${part.name}: not built yet (${part.entry} missing), skipped`);
      continue;
    }
    const child = spawnPart(part);
    child.on('exit', (code, signal) => {
      if (stopping) return;
      say(`${part.name} exited (${signal ?? code}); see .stack/logs/${part.name}.log. Stopping everything.`);
      void stopAll(1);
    });
    say(`${part.name.padEnd(10)} started (pid ${child.pid}), log .stack/logs/${part.name}.log`);
  }
  for (const part of parts.filter((p) => p.readyPort)) {
    const c = children.find((x) => x.name === part.name);
    if (!c) continue;
    await waitReady(part.name, part.readyPort!, c.child, 180_000);
    say(`${part.name.padEnd(10)} ready on http://127.0.0.1:${part.readyPort}`);
  }

  let sessionFile: string | undefined;
  if (sessionAllowed(endpoints, env) && !stopping) {
    try {
      sessionFile = writeSession(cfg.STACK_DIR, {
        pid: process.pid,
        startedAt: new Date().toISOString(),
        env: { ...common, OPERATOR_EVENT_KEY: operatorEventKey },
      });
    } catch (err) {
      say(
        `could not write ${path.join(cfg.STACK_DIR, 'session.json')} (${(err as Error).message}); export the settings below for syncctl`,
      );
    }
  }
  say('');
  say('SiaghSync is running:');
  for (const [k, v] of Object.entries({ ...endpoints, ...namespace })) say(`  ${k.padEnd(20)} ${v}`);
  if (namespace.TOPIC_PREFIX)
    say(
      sessionFile
        ? `  (this demo run's own topics and database)`
        : `  (this demo run's own topics and database: export TOPIC_PREFIX=${namespace.TOPIC_PREFIX} for syncctl)`,
    );
  if (demo) {
    say(
      `  CRM simulator        http://127.0.0.1:${ports.crm}  (admin/admin; ${customers} customers, seed ${seed})`,
    );
    say(`  Siagh simulator      http://127.0.0.1:${ports.siagh}  (admin/admin)`);
  }
  say(`  ingest               http://127.0.0.1:${ports.ingest}`);
  say(
    `  metrics              :${ports.ingest} :${ports.syncer} :${ports.poller} :${ports.projector} /metrics`,
  );
  // Opening the link once signs the browser in (a cookie) and drops the token from the address bar.
  say(`  dashboard            http://127.0.0.1:${ports.projector}/?token=${readToken}`);
  say(
    `  PROJECTOR_READ_TOKEN ${readToken}${givenSecret('PROJECTOR_READ_TOKEN') ? ' (from the environment)' : ' (generated)'}`,
  );
  say(
    `  OPERATOR_TOKEN       ${operatorToken}${givenSecret('OPERATOR_TOKEN') ? ' (from the environment)' : ' (generated)'}`,
  );
  say(`  logs                 ${path.relative(REPO_ROOT, logDir)}/<part>.log`);
  if (sessionFile)
    say(
      `  syncctl              npx syncctl status (in this checkout it finds this run's prefix and tokens in ${path.relative(REPO_ROOT, sessionFile)})`,
    );
  say('Ctrl-C stops everything this command started.');

  // The initial import is the poller's first sweep of each system (a poller with no state emits every
  // record once, marked bulk, as it reads them). A backfill on top would emit every record a second
  // time, so it runs only when asked for (a deliberate re-import).
  if (!stopping)
    say(
      'initial import: the poller is reading both systems (progress: npx syncctl status, "sweep under way")',
    );
  if (env.START_BACKFILL === '1' && !stopping) {
    say('backfill of both systems running (START_BACKFILL=1)...');
    const bf = spawnPart(
      {
        name: 'backfill',
        entry: 'services/poller/src/backfill-cli.ts',
        env: { LOG_LEVEL: 'warn', OPERATOR_EVENT_KEY: operatorEventKey },
      },
      ['--source', 'both'],
    );
    const code = await new Promise<number | null>((resolve) => bf.once('exit', (c) => resolve(c)));
    if (!stopping)
      say(
        code === 0
          ? 'backfill done (summary in .stack/logs/backfill.log)'
          : `backfill ended with exit ${code}; see .stack/logs/backfill.log`,
      );
  }
  if (demo && (env.START_LOAD ?? '1') === '1' && !stopping) {
    const load = spawnPart({
      name: 'load',
      entry: 'scripts/load/main.ts',
      env: {
        CRM_SIM_URL: `http://127.0.0.1:${ports.crm}`,
        SIAGH_SIM_URL: `http://127.0.0.1:${ports.siagh}`,
        SIM_CUSTOMERS: customers,
        SIM_OVERLAP: env.SIM_OVERLAP ?? '0.6',
      },
    });
    load.on('exit', (code) => {
      if (!stopping)
        say(`load generator exited (${code}); the pipeline keeps running. See .stack/logs/load.log`);
    });
    say(
      `load generator running (${env.LOAD_RATE ?? 3} edits/s, some on both sides); log .stack/logs/load.log`,
    );
  }
  // Keeps running even when every part is a detached stack process.
  setInterval(() => undefined, 60_000);
}

main().catch((err: unknown) => {
  say(`failed: ${err instanceof Error ? err.message : String(err)}`);
  void stopAll(1);
});
