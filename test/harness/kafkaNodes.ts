import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Kafka, logLevel, type KafkaConfig } from 'kafkajs';
import { loadStackConfig, REPO_ROOT, VERSIONS } from '../../scripts/stack/config';
import { nodeProperties, scramFormatArgs, type Listener } from '../../scripts/stack/kafka/nodeProps';
import { formatStorage, javaBin, randomClusterId } from '../../scripts/stack/kafka/storage';
import { freePort } from './ports';

/**
 * Kafka nodes of the tests' own (a three-broker cluster, a broker with SASL listeners), from the jars
 * the stack installed, on ports of their own: the shared stack is never touched. Each node is a child
 * of the test process, so a test can kill -9 one and start it again on the same data.
 */
export interface KafkaNode {
  id: number;
  /** The port of the first client listener. */
  port: number;
  ports: Record<string, number>;
  readonly pid: number | undefined;
  kill(signal?: NodeJS.Signals): Promise<void>;
  start(): void;
}

export interface KafkaNodes {
  dir: string;
  nodes: KafkaNode[];
  /** host:port of every node's first listener, comma-separated. */
  brokers: string;
  stop(): Promise<void>;
}

export interface Security {
  /** Listeners besides the plaintext one brokers replicate over. */
  listeners: readonly { name: string; protocol: Listener['protocol'] }[];
  plainUsers?: Record<string, string>;
  scramUsers?: Record<string, string>;
  /** Made with openssl when a listener speaks TLS: the CA's PEM file, for clients. */
  tls?: boolean;
}

function kafkaLibs(): string {
  const cfg = loadStackConfig();
  const libs = path.join(cfg.STACK_CACHE_DIR, `kafka-${VERSIONS.kafka}`, 'libs');
  if (!fs.existsSync(libs)) throw new Error(`Kafka is not installed at ${libs}: run npm run stack -- up`);
  return libs;
}

/** A CA and a broker certificate for 127.0.0.1, valid for a day; returns the CA file and the keystore. */
export function makeCertificates(dir: string): { ca: string; keystore: string } {
  const f = (n: string) => path.join(dir, n);
  const ssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'ignore' });
  ssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    f('ca.key'),
    '-out',
    f('ca.pem'),
    '-days',
    '1',
    '-subj',
    '/CN=siaghsync-test-ca',
  );
  ssl(
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    f('broker.key'),
    '-out',
    f('broker.csr'),
    '-subj',
    '/CN=127.0.0.1',
  );
  fs.writeFileSync(f('san.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  ssl(
    'x509',
    '-req',
    '-in',
    f('broker.csr'),
    '-CA',
    f('ca.pem'),
    '-CAkey',
    f('ca.key'),
    '-CAcreateserial',
    '-out',
    f('broker.pem'),
    '-days',
    '1',
    '-extfile',
    f('san.ext'),
  );
  fs.writeFileSync(
    f('keystore.pem'),
    fs.readFileSync(f('broker.key'), 'utf8') + fs.readFileSync(f('broker.pem'), 'utf8'),
  );
  return { ca: f('ca.pem'), keystore: f('keystore.pem') };
}

export async function startKafkaNodes(opts: {
  count: number;
  security?: Security;
  label: string;
}): Promise<KafkaNodes> {
  const libs = kafkaLibs();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `siaghsync-${opts.label}-`));
  // The stack's logging, with leader elections and truncations (state.change.logger) kept: what a
  // failover test needs to explain a finding.
  const log4j = path.join(dir, 'log4j2.properties');
  fs.writeFileSync(
    log4j,
    fs
      .readFileSync(path.join(REPO_ROOT, 'scripts/stack/kafka/log4j2.properties'), 'utf8')
      .replace('logger.statechange.level = WARN', 'logger.statechange.level = INFO'),
  );
  const ids = Array.from({ length: opts.count }, (_, i) => i + 1);
  const voters = await Promise.all(ids.map(async (id) => ({ id, port: await freePort() })));
  const certs = opts.security?.tls ? makeCertificates(dir) : undefined;
  const factor = Math.min(3, opts.count);
  const clusterId = randomClusterId(libs);

  const nodes: KafkaNode[] = [];
  for (const id of ids) {
    const ports: Record<string, number> = { INTERNAL: await freePort() };
    const listeners: Listener[] = [];
    for (const l of opts.security?.listeners ?? []) {
      ports[l.name] = await freePort();
      listeners.push({ name: l.name, port: ports[l.name]!, protocol: l.protocol });
    }
    listeners.push({ name: 'INTERNAL', port: ports.INTERNAL!, protocol: 'PLAINTEXT' });
    const dataDir = path.join(dir, `node-${id}`);
    const props = path.join(dir, `node-${id}.properties`);
    fs.writeFileSync(
      props,
      nodeProperties({
        nodeId: id,
        dataDir,
        voters,
        listeners,
        interBroker: 'INTERNAL',
        replication: { factor, minIsr: Math.max(1, factor - 1) },
        ...(opts.security?.plainUsers && { plainUsers: opts.security.plainUsers }),
        ...(certs && { keystorePem: certs.keystore }),
      }),
    );
    formatStorage(libs, clusterId, props, scramFormatArgs(opts.security?.scramUsers ?? {}));
    let child: ChildProcess | undefined;
    const logFile = path.join(dir, `node-${id}.log`);
    const node: KafkaNode = {
      id,
      port: listeners[0]!.port,
      ports,
      get pid() {
        return child?.pid;
      },
      start() {
        const out = fs.openSync(logFile, 'a');
        child = spawn(
          javaBin(),
          [
            '-Xmx384m',
            '-Xms128m',
            '-XX:+UseG1GC',
            `-Dlog4j2.configurationFile=${log4j}`,
            '-cp',
            `${libs}/*`,
            'kafka.Kafka',
            props,
          ],
          { stdio: ['ignore', out, out] },
        );
        fs.closeSync(out);
      },
      async kill(signal: NodeJS.Signals = 'SIGKILL') {
        const c = child;
        if (!c || c.exitCode !== null || c.signalCode !== null) return;
        const exited = new Promise<void>((r) => c.once('exit', () => r()));
        c.kill(signal);
        await exited;
      },
    };
    nodes.push(node);
  }
  for (const n of nodes) n.start();
  const internal = nodes.map((n) => `127.0.0.1:${n.ports.INTERNAL}`);
  await untilBrokers({ brokers: internal }, opts.count, 90_000, () => tail(dir));
  return {
    dir,
    nodes,
    brokers: nodes.map((n) => `127.0.0.1:${n.port}`).join(','),
    async stop() {
      await Promise.all(nodes.map((n) => n.kill('SIGKILL')));
      // The nodes' logs outlive their data, beside the services' logs of the run.
      const keep = path.join(REPO_ROOT, '.stack', 'logs', path.basename(dir));
      fs.mkdirSync(keep, { recursive: true });
      for (const f of fs.readdirSync(dir).filter((f) => f.endsWith('.log')))
        fs.copyFileSync(path.join(dir, f), path.join(keep, f));
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

function tail(dir: string): string {
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.log'))
    .map((f) => `${f}:\n${fs.readFileSync(path.join(dir, f), 'utf8').split('\n').slice(-15).join('\n')}`)
    .join('\n');
}

/** Until the cluster answers with `count` brokers registered. */
export async function untilBrokers(
  config: Pick<KafkaConfig, 'brokers' | 'ssl' | 'sasl'>,
  count: number,
  timeoutMs: number,
  onTimeout: () => string = () => '',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const admin = new Kafka({
      ...config,
      logLevel: logLevel.NOTHING,
      retry: { retries: 0 },
      connectionTimeout: 1000,
    }).admin();
    try {
      await admin.connect();
      const { brokers } = await admin.describeCluster();
      if (brokers.length >= count) return;
    } catch {
      // not up yet
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
    if (Date.now() > deadline) throw new Error(`Kafka nodes not ready after ${timeoutMs} ms\n${onTimeout()}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}
