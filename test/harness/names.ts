import { randomBytes } from 'node:crypto';

/** Every test gets its own topics, groups and databases, so tests never see each other's data. */
export function uniqueName(label: string): string {
  return `t${Date.now().toString(36)}${randomBytes(3).toString('hex')}-${label}`;
}

export function requireEnv(name: 'KAFKA_BROKERS' | 'SCHEMA_REGISTRY_URL' | 'MONGODB_URI'): string {
  const v = process.env[name];
  if (!v)
    throw new Error(`${name} is not set: the integration harness (test/harness/globalSetup.ts) did not run`);
  return v;
}
