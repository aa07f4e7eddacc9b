import fs from 'node:fs';
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { MongoClient } from 'mongodb';
import { clientEndpoints, kafkaPorts, type StackConfig } from './config';
import { nodeProperties } from './kafka/nodeProps';
import { formatStorage, javaBin, randomClusterId } from './kafka/storage';
import type { Installed } from './install';

/** One process of the stack: how to start it and how to know it really serves requests. */
export interface StackService {
  /** kafka (one broker) or kafka-1, kafka-2... (a cluster), schema-registry, ferretdb. */
  name: string;
  /** Where it answers, for `status`. */
  address: string;
  prepare(): void;
  command(): { bin: string; args: string[]; cwd: string; env?: Record<string, string> };
  /** A string that appears in the process's command line, so `down` never signals a stranger's PID. */
  marker: string;
  ready(): Promise<boolean>;
}

export function stackServices(cfg: StackConfig, inst: Installed): StackService[] {
  const ep = clientEndpoints(cfg);
  const registryDb = path.join(cfg.dataDir, 'registry', 'registry');
  const ferretDir = path.join(cfg.dataDir, 'ferretdb');

  const kafkas = Array.from({ length: cfg.brokers }, (_, i) => kafkaService(cfg, inst, i + 1));

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
        // synchronous(normal): in WAL mode a commit survives a crash of FerretDB, only not a power loss of
        // the machine, and saves an fsync per write; the local stack's views are rebuilt from the log (a
        // company's deployment uses MongoDB, docker-compose.yml). 3,000 live outcomes: 5.3 -> 4.8 s.
        `--sqlite-url=file:${ferretDir}/?_pragma=cache_size(-32768)&_pragma=mmap_size(1073741824)&_pragma=synchronous(normal)`,
        `--listen-addr=127.0.0.1:${cfg.MONGODB_PORT}`,
        `--debug-addr=127.0.0.1:${cfg.FERRETDB_DEBUG_PORT}`,
        `--state-dir=${ferretDir}`,
        '--telemetry=disable',
        '--log-level=WARN',
      ],
      cwd: ferretDir,
      // Go's collector took 13% of FerretDB's CPU during an import (profile of 12-04). Collecting an
      // eighth as often, up to 2 GiB of heap: database CPU per live outcome 2.06 -> 1.57 ms (GOGC 400)
      // -> 1.44 ms (800, with synchronous(normal)); 105 MB of RSS with views of 10,000 documents.
      env: { GOGC: '800', GOMEMLIMIT: '2GiB' },
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

  return [...kafkas, registry, ferretdb];
}

/**
 * One KRaft node (broker and controller in one process). Alone it keeps one copy of Kafka's own topics;
 * in a cluster three, with two in sync, as a production cluster does. The single broker keeps its
 * data where it always has; a cluster's nodes have their own, so switching never mixes the two.
 */
function kafkaService(cfg: StackConfig, inst: Installed, id: number): StackService {
  const single = cfg.brokers === 1;
  const name = single ? 'kafka' : `kafka-${id}`;
  const dataDir = single
    ? path.join(cfg.dataDir, 'kafka')
    : path.join(cfg.dataDir, 'kafka-cluster', `node-${id}`);
  const props = path.join(cfg.STACK_DIR, single ? 'kafka-server.properties' : `kafka-${id}.properties`);
  const cp = `${inst.kafkaLibs}/*`;
  const { client } = kafkaPorts(cfg, id);
  const factor = Math.min(3, cfg.brokers);
  const voters = Array.from({ length: cfg.brokers }, (_, i) => ({
    id: i + 1,
    port: kafkaPorts(cfg, i + 1).controller,
  }));
  return {
    name,
    address: `127.0.0.1:${client}`,
    marker: props,
    prepare() {
      fs.writeFileSync(
        props,
        nodeProperties({
          nodeId: id,
          dataDir,
          voters,
          listeners: [{ name: 'PLAINTEXT', port: client, protocol: 'PLAINTEXT' }],
          interBroker: 'PLAINTEXT',
          replication: { factor, minIsr: Math.max(1, factor - 1) },
        }),
      );
      if (fs.existsSync(path.join(dataDir, 'meta.properties'))) return;
      // Every node of a cluster is formatted with the same id: the first to format writes it down.
      const idFile = path.join(cfg.dataDir, single ? 'kafka-cluster-id' : 'kafka-cluster/cluster-id');
      fs.mkdirSync(path.dirname(idFile), { recursive: true });
      if (!fs.existsSync(idFile)) fs.writeFileSync(idFile, randomClusterId(inst.kafkaLibs));
      formatStorage(inst.kafkaLibs, fs.readFileSync(idFile, 'utf8').trim(), props);
    },
    command: () => ({
      bin: javaBin(),
      args: [
        `-Xmx${single ? cfg.KAFKA_HEAP : '512m'}`,
        '-Xms256m',
        '-XX:+UseG1GC',
        `-Dlog4j2.configurationFile=${inst.kafkaLog4j}`,
        '-cp',
        cp,
        'kafka.Kafka',
        props,
      ],
      cwd: cfg.STACK_DIR,
    }),
    async ready() {
      const admin = new Kafka({
        brokers: [`127.0.0.1:${client}`],
        logLevel: logLevel.NOTHING,
        retry: { retries: 0 },
        connectionTimeout: 1000,
      }).admin();
      try {
        await admin.connect();
        const cluster = await admin.describeCluster();
        // A cluster's node is ready when the quorum has every broker: topics of three copies can be made.
        return cluster.brokers.length >= cfg.brokers;
      } finally {
        await admin.disconnect().catch(() => undefined);
      }
    },
  };
}
