import { Kafka, logLevel } from 'kafkajs';
import { MongoClient } from 'mongodb';

export interface InfraEndpoints {
  KAFKA_BROKERS: string;
  SCHEMA_REGISTRY_URL: string;
  MONGODB_URI: string;
}

/** Real requests to each part; the error names what is unreachable and how to fix it. */
export async function verifyInfra(ep: InfraEndpoints): Promise<void> {
  const problems: string[] = [];
  const admin = new Kafka({
    brokers: ep.KAFKA_BROKERS.split(','),
    logLevel: logLevel.NOTHING,
    retry: { retries: 2 },
  }).admin();
  try {
    await admin.connect();
    await admin.describeCluster();
  } catch (e) {
    problems.push(`Kafka at ${ep.KAFKA_BROKERS}: ${(e as Error).message}`);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
  try {
    const res = await fetch(`${ep.SCHEMA_REGISTRY_URL}/subjects`, { signal: AbortSignal.timeout(5000) });
    if (!res.ok) problems.push(`schema registry at ${ep.SCHEMA_REGISTRY_URL}: HTTP ${res.status}`);
  } catch (e) {
    problems.push(`schema registry at ${ep.SCHEMA_REGISTRY_URL}: ${(e as Error).message}`);
  }
  const mongo = new MongoClient(ep.MONGODB_URI, { serverSelectionTimeoutMS: 5000 });
  try {
    await mongo.connect();
    await mongo.db('admin').command({ ping: 1 });
  } catch (e) {
    problems.push(`MongoDB at ${ep.MONGODB_URI}: ${(e as Error).message}`);
  } finally {
    await mongo.close().catch(() => undefined);
  }
  if (problems.length > 0) {
    throw new Error(
      `Integration tests need a real Kafka, schema registry and MongoDB-wire database, and these are unreachable:\n` +
        problems.map((p) => `  - ${p}`).join('\n') +
        `\nStart the local stack with \`npm run stack -- up\` (or let the tests start it: unset TEST_STACK).`,
    );
  }
}
