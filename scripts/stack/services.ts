import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { MongoClient } from 'mongodb';
import { clientEndpoints, type StackConfig } from './config';
import type { Installed } from './install';

/** One process of the stack: how to start it and how to know it really serves requests. */
export interface StackService {
  name: 'kafka' | 'schema-registry' | 'ferretdb';
  /** Where it answers, for `status`. */
  address: string;
  prepare(): void;
  command(): { bin: string; args: string[]; cwd: string };
  /** A string that appears in the process's command line, so `down` never signals a stranger's PID. */
  marker: string;
  ready(): Promise<boolean>;
}

export function stackServices(cfg: StackConfig, inst: Installed): StackService[] {
  const ep = clientEndpoints(cfg);
  const kafkaDir = path.join(cfg.dataDir, 'kafka');
  const kafkaProps = path.join(cfg.STACK_DIR, 'kafka-server.properties');
  const kafkaCp = `${inst.kafkaLibs}/*`;
  const registryDb = path.join(cfg.dataDir, 'registry', 'registry');
  const ferretDir = path.join(cfg.dataDir, 'ferretdb');

  const kafka: StackService = {
    name: 'kafka',
    address: ep.KAFKA_BROKERS,
    marker: kafkaProps,
    prepare() {
      // One combined broker/controller. Replication 1 and min ISR 1 so that transactions and the
      // offsets topic work on a single node; topics are created by our code, never implicitly.
      fs.writeFileSync(
        kafkaProps,
        [
          'process.roles=broker,controller',
          'node.id=1',
          `controller.quorum.voters=1@127.0.0.1:${cfg.KAFKA_CONTROLLER_PORT}`,
          `listeners=PLAINTEXT://127.0.0.1:${cfg.KAFKA_PORT},CONTROLLER://127.0.0.1:${cfg.KAFKA_CONTROLLER_PORT}`,
          `advertised.listeners=PLAINTEXT://127.0.0.1:${cfg.KAFKA_PORT}`,
          'controller.listener.names=CONTROLLER',
          'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
          'inter.broker.listener.name=PLAINTEXT',
          `log.dirs=${kafkaDir}`,
          'num.partitions=1',
          'offsets.topic.replication.factor=1',
          'offsets.topic.num.partitions=10',
          'transaction.state.log.replication.factor=1',
          'transaction.state.log.min.isr=1',
          'transaction.state.log.num.partitions=10',
          'auto.create.topics.enable=false',
          'group.initial.rebalance.delay.ms=0',
          'log.cleaner.backoff.ms=5000',
          '',
        ].join('\n'),
      );
      if (!fs.existsSync(path.join(kafkaDir, 'meta.properties'))) {
        const java = javaBin();
        const clusterId = execFileSync(java, ['-cp', kafkaCp, 'kafka.tools.StorageTool', 'random-uuid'], {
          encoding: 'utf8',
        })
          .trim()
          .split('\n')
          .pop()!
          .trim();
        execFileSync(
          java,
          ['-cp', kafkaCp, 'kafka.tools.StorageTool', 'format', '-t', clusterId, '-c', kafkaProps],
          { stdio: 'ignore' },
        );
      }
    },
    command: () => ({
      bin: javaBin(),
      args: [
        `-Xmx${cfg.KAFKA_HEAP}`,
        '-Xms256m',
        '-XX:+UseG1GC',
        `-Dlog4j2.configurationFile=${inst.kafkaLog4j}`,
        '-cp',
        kafkaCp,
        'kafka.Kafka',
        kafkaProps,
      ],
      cwd: cfg.STACK_DIR,
    }),
    async ready() {
      const admin = new Kafka({
        brokers: [ep.KAFKA_BROKERS],
        logLevel: logLevel.NOTHING,
        retry: { retries: 0 },
        connectionTimeout: 1000,
      }).admin();
      try {
        await admin.connect();
        const cluster = await admin.describeCluster();
        return cluster.brokers.length > 0;
      } finally {
        await admin.disconnect().catch(() => undefined);
      }
    },
  };

  const registry: StackService = {
    name: 'schema-registry',
    address: ep.SCHEMA_REGISTRY_URL,
    marker: registryDb,
    prepare() {
      fs.mkdirSync(path.dirname(registryDb), { recursive: true });
    },
    command: () => ({
      bin: inst.registryJava,
      args: [
        `-Xmx${cfg.SCHEMA_REGISTRY_HEAP}`,
        `-Dquarkus.http.port=${cfg.SCHEMA_REGISTRY_PORT}`,
        '-Dquarkus.http.host=127.0.0.1',
        `-Dquarkus.management.port=${cfg.SCHEMA_REGISTRY_MANAGEMENT_PORT}`,
        '-Dquarkus.management.host=127.0.0.1',
        // Schema ids must survive a restart (records in Kafka carry them), so H2 on disk, not in memory.
        '-Dapicurio.storage.kind=sql',
        '-Dapicurio.storage.sql.kind=h2',
        `-Dapicurio.datasource.url=jdbc:h2:file:${registryDb};DB_CLOSE_ON_EXIT=FALSE`,
        '-jar',
        path.join(inst.apicurioDir, 'quarkus-run.jar'),
      ],
      cwd: inst.apicurioDir,
    }),
    async ready() {
      const res = await fetch(`${ep.SCHEMA_REGISTRY_URL}/subjects`, { signal: AbortSignal.timeout(2000) });
      return res.ok;
    },
  };

  const ferretdb: StackService = {
    name: 'ferretdb',
    address: ep.MONGODB_URI,
    marker: ferretDir,
    prepare() {
      fs.mkdirSync(ferretDir, { recursive: true });
    },
    command: () => ({
      bin: inst.ferretdb,
      args: [
        '--handler=sqlite',
        // SQLite's default page cache is 2 MB: with views of 300,000 documents every index insert read
        // its pages from the file again (database CPU per outcome 1.45x that at 10,000). Reads go through
        // a shared memory map; the cache is per connection (FerretDB keeps up to 100), so it stays small.
        `--sqlite-url=file:${ferretDir}/?_pragma=cache_size(-32768)&_pragma=mmap_size(1073741824)`,
        `--listen-addr=127.0.0.1:${cfg.MONGODB_PORT}`,
        `--debug-addr=127.0.0.1:${cfg.FERRETDB_DEBUG_PORT}`,
        `--state-dir=${ferretDir}`,
        '--telemetry=disable',
        '--log-level=WARN',
      ],
      cwd: ferretDir,
    }),
    async ready() {
      const client = new MongoClient(ep.MONGODB_URI, {
        serverSelectionTimeoutMS: 1500,
        connectTimeoutMS: 1500,
      });
      try {
        await client.connect();
        const res = await client.db('admin').command({ ping: 1 });
        return res.ok === 1;
      } finally {
        await client.close().catch(() => undefined);
      }
    },
  };

  return [kafka, registry, ferretdb];
}

/** Kafka runs on the machine's own JDK 17 (JAVA_HOME if set, else `java` on the PATH). */
function javaBin(): string {
  return process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
}
