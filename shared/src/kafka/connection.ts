import fs from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import type { SASLOptions } from 'kafkajs';
import type { z } from 'zod';
import { ConfigError, type infraEnv } from '../config';

type SecurityEnv = z.infer<z.ZodObject<typeof infraEnv>>;

export interface KafkaConnection {
  brokers: string[];
  ssl?: ConnectionOptions | boolean;
  sasl?: SASLOptions;
}

export interface Replication {
  replicationFactor: number;
  minInsyncReplicas: number;
}

export interface RegistryAuth {
  username: string;
  password: string;
}

type Problem = { variable: string; problem: string };

/** Every inconsistency of the security variables at once; empty when they make sense together. */
export function securityProblems(env: SecurityEnv): Problem[] {
  const out: Problem[] = [];
  const files = ['KAFKA_SSL_CA_FILE', 'KAFKA_SSL_CERT_FILE', 'KAFKA_SSL_KEY_FILE'] as const;
  for (const f of files)
    if (env[f] && !env.KAFKA_SSL) out.push({ variable: f, problem: 'set, but KAFKA_SSL is not true' });
  if (Boolean(env.KAFKA_SSL_CERT_FILE) !== Boolean(env.KAFKA_SSL_KEY_FILE))
    out.push({
      variable: env.KAFKA_SSL_CERT_FILE ? 'KAFKA_SSL_KEY_FILE' : 'KAFKA_SSL_CERT_FILE',
      problem: 'a client certificate needs both KAFKA_SSL_CERT_FILE and KAFKA_SSL_KEY_FILE',
    });
  if (env.KAFKA_SASL_MECHANISM) {
    if (!env.KAFKA_SASL_USERNAME)
      out.push({ variable: 'KAFKA_SASL_USERNAME', problem: `required with KAFKA_SASL_MECHANISM` });
    if (!env.KAFKA_SASL_PASSWORD)
      out.push({ variable: 'KAFKA_SASL_PASSWORD', problem: `required with KAFKA_SASL_MECHANISM` });
    // PLAIN sends the password as it is: over a plaintext connection anyone on the path reads it.
    if (env.KAFKA_SASL_MECHANISM === 'plain' && !env.KAFKA_SSL)
      out.push({
        variable: 'KAFKA_SASL_MECHANISM',
        problem: 'plain sends the password in clear: use it with KAFKA_SSL=true, or use scram-sha-512',
      });
  } else if (env.KAFKA_SASL_USERNAME || env.KAFKA_SASL_PASSWORD) {
    out.push({
      variable: 'KAFKA_SASL_MECHANISM',
      problem: 'required when a SASL username or password is set',
    });
  }
  if (env.KAFKA_MIN_INSYNC_REPLICAS > env.KAFKA_REPLICATION_FACTOR)
    out.push({
      variable: 'KAFKA_MIN_INSYNC_REPLICAS',
      problem: `${env.KAFKA_MIN_INSYNC_REPLICAS} is more than KAFKA_REPLICATION_FACTOR (${env.KAFKA_REPLICATION_FACTOR}): no write could ever succeed`,
    });
  if (Boolean(env.SCHEMA_REGISTRY_USERNAME) !== Boolean(env.SCHEMA_REGISTRY_PASSWORD))
    out.push({
      variable: env.SCHEMA_REGISTRY_USERNAME ? 'SCHEMA_REGISTRY_PASSWORD' : 'SCHEMA_REGISTRY_USERNAME',
      problem: 'registry basic auth needs both SCHEMA_REGISTRY_USERNAME and SCHEMA_REGISTRY_PASSWORD',
    });
  return out;
}

function readPem(variable: string, file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError('kafka', [{ variable, problem: `cannot read ${file}: ${(err as Error).message}` }]);
  }
}

/** The kafkajs connection options; throws ConfigError naming every bad variable. */
export function kafkaConnection(env: SecurityEnv & { KAFKA_BROKERS: string[] }): KafkaConnection {
  const problems = securityProblems(env);
  if (problems.length > 0) throw new ConfigError('kafka', problems);
  const conn: KafkaConnection = { brokers: env.KAFKA_BROKERS };
  if (env.KAFKA_SSL) {
    const tls: ConnectionOptions = { rejectUnauthorized: true };
    if (env.KAFKA_SSL_CA_FILE) tls.ca = [readPem('KAFKA_SSL_CA_FILE', env.KAFKA_SSL_CA_FILE)];
    if (env.KAFKA_SSL_CERT_FILE && env.KAFKA_SSL_KEY_FILE) {
      tls.cert = readPem('KAFKA_SSL_CERT_FILE', env.KAFKA_SSL_CERT_FILE);
      tls.key = readPem('KAFKA_SSL_KEY_FILE', env.KAFKA_SSL_KEY_FILE);
    }
    conn.ssl = tls;
  }
  if (env.KAFKA_SASL_MECHANISM && env.KAFKA_SASL_USERNAME && env.KAFKA_SASL_PASSWORD) {
    const creds = { username: env.KAFKA_SASL_USERNAME, password: env.KAFKA_SASL_PASSWORD };
    conn.sasl =
      env.KAFKA_SASL_MECHANISM === 'plain'
        ? { mechanism: 'plain', ...creds }
        : env.KAFKA_SASL_MECHANISM === 'scram-sha-256'
          ? { mechanism: 'scram-sha-256', ...creds }
          : { mechanism: 'scram-sha-512', ...creds };
  }
  return conn;
}

export const replicationOf = (env: SecurityEnv): Replication => ({
  replicationFactor: env.KAFKA_REPLICATION_FACTOR,
  minInsyncReplicas: env.KAFKA_MIN_INSYNC_REPLICAS,
});

export function registryAuthOf(env: SecurityEnv): RegistryAuth | undefined {
  if (!env.SCHEMA_REGISTRY_USERNAME || !env.SCHEMA_REGISTRY_PASSWORD) return undefined;
  return { username: env.SCHEMA_REGISTRY_USERNAME, password: env.SCHEMA_REGISTRY_PASSWORD };
}

/** The header a plain fetch to the registry sends (the registry client sends the same itself). */
export function registryHeaders(auth: RegistryAuth | undefined): Record<string, string> {
  if (!auth) return {};
  return { Authorization: `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}` };
}

/** Local single broker: one copy. A cluster with fewer brokers than copies cannot create the topics. */
export function replicationProblem(rep: Replication, brokers: number): string | null {
  if (brokers >= rep.replicationFactor) return null;
  return `KAFKA_REPLICATION_FACTOR is ${rep.replicationFactor} but the cluster has ${brokers} broker${brokers === 1 ? '' : 's'}: add brokers or lower it`;
}

/** Existing topics that keep fewer copies than configured: the deployment believes in copies it lacks. */
/**
 * Existing topics that accept a write with fewer copies in sync than configured (created by an older
 * release, or by hand): `acks=all` then still acknowledges what one dead broker can lose.
 * `configs`: each topic's `min.insync.replicas` as the broker describes it.
 */
export function underInsync(
  rep: Replication,
  configs: readonly { name: string; minInsync: number }[],
): string[] {
  return configs
    .filter((t) => t.minInsync < rep.minInsyncReplicas)
    .map((t) => `${t.name} (min.insync.replicas ${t.minInsync})`);
}

export function underReplicated(
  rep: Replication,
  topics: readonly { name: string; partitions: readonly { replicas: readonly number[] }[] }[],
): string[] {
  return topics
    .filter((t) => t.partitions.some((p) => p.replicas.length < rep.replicationFactor))
    .map((t) => `${t.name} (${Math.min(...t.partitions.map((p) => p.replicas.length))} replicas)`);
}
