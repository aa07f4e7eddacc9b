import { z } from 'zod';
import { startKafkaNodes, type KafkaNodes } from '../../../test/harness/kafkaNodes';
import { infraEnv } from '../config';
import { createLogger } from '../logger';
import { ensureTopics } from './admin';
import { createKafka } from './client';
import { kafkaConnection } from './connection';
import { topicName } from './topics';

// A broker of this test's own with the listeners a company's cluster has: SASL over TLS (PLAIN and
// SCRAM) and SCRAM without TLS. The services reach it through the same variables they read in
// production (kafkaConnection), and a client without the right credentials is refused.

const logger = createLogger({ service: 'security-test', level: 'silent' });
let cluster: KafkaNodes;
let ca: string;
const users = { sync: 'sync-password-0123456789' };

beforeAll(async () => {
  cluster = await startKafkaNodes({
    count: 1,
    label: 'sasl',
    security: {
      listeners: [
        { name: 'SECURE', protocol: 'SASL_SSL' },
        { name: 'SCRAM', protocol: 'SASL_PLAINTEXT' },
      ],
      plainUsers: users,
      scramUsers: users,
      tls: true,
    },
  });
  ca = `${cluster.dir}/ca.pem`;
}, 120_000);

afterAll(async () => {
  await cluster?.stop();
});

const envFor = (vars: Record<string, string>) => z.object(infraEnv).parse(vars);

/** Creates a topic, produces one record in a transaction and reads it back, with these variables. */
async function roundTrip(vars: Record<string, string>): Promise<string> {
  const kafka = createKafka({ ...kafkaConnection(envFor(vars)), clientId: 'security-test', logger });
  const prefix = `sec${Date.now()}${Math.floor(Math.random() * 1e6)}.`;
  await ensureTopics(kafka, prefix, ['changes']);
  const topic = topicName('changes', prefix);
  const producer = kafka.producer({
    transactionalId: `${prefix}tx`,
    idempotent: true,
    maxInFlightRequests: 1,
  });
  const consumer = kafka.consumer({ groupId: `${prefix}g` });
  try {
    await producer.connect();
    const tx = await producer.transaction();
    await tx.send({ topic, messages: [{ key: 'k', value: 'over a secured listener' }] });
    await tx.commit();
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    return await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('nothing consumed in 30 s')), 30_000);
      void consumer.run({
        eachMessage: ({ message }) => {
          clearTimeout(timer);
          resolve(message.value!.toString());
          return Promise.resolve();
        },
      });
    });
  } finally {
    await consumer.disconnect().catch(() => undefined);
    await producer.disconnect().catch(() => undefined);
  }
}

async function refused(vars: Record<string, string>): Promise<string> {
  const kafka = createKafka({
    ...kafkaConnection(envFor(vars)),
    clientId: 'security-test',
    logger,
  });
  const admin = kafka.admin({ retry: { retries: 0 } });
  try {
    await admin.connect();
    await admin.listTopics();
    return 'connected';
  } catch (err) {
    return (err as Error).message;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

describe('Kafka over an authenticated transport', () => {
  it('SASL/PLAIN over TLS with the CA from KAFKA_SSL_CA_FILE', async () => {
    const got = await roundTrip({
      KAFKA_BROKERS: `127.0.0.1:${cluster.nodes[0]!.ports.SECURE}`,
      KAFKA_SSL: 'true',
      KAFKA_SSL_CA_FILE: ca,
      KAFKA_SASL_MECHANISM: 'plain',
      KAFKA_SASL_USERNAME: 'sync',
      KAFKA_SASL_PASSWORD: users.sync,
    });
    expect(got).toBe('over a secured listener');
  }, 90_000);

  it('SCRAM-SHA-512 over TLS, and SCRAM-SHA-256 without it', async () => {
    const tls = await roundTrip({
      KAFKA_BROKERS: `127.0.0.1:${cluster.nodes[0]!.ports.SECURE}`,
      KAFKA_SSL: 'true',
      KAFKA_SSL_CA_FILE: ca,
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_SASL_USERNAME: 'sync',
      KAFKA_SASL_PASSWORD: users.sync,
    });
    const plain = await roundTrip({
      KAFKA_BROKERS: `127.0.0.1:${cluster.nodes[0]!.ports.SCRAM}`,
      KAFKA_SASL_MECHANISM: 'scram-sha-256',
      KAFKA_SASL_USERNAME: 'sync',
      KAFKA_SASL_PASSWORD: users.sync,
    });
    expect([tls, plain]).toEqual(['over a secured listener', 'over a secured listener']);
  }, 90_000);

  it('refuses a wrong password, no credentials, and a certificate the client does not trust', async () => {
    const secure = `127.0.0.1:${cluster.nodes[0]!.ports.SECURE}`;
    const scram = `127.0.0.1:${cluster.nodes[0]!.ports.SCRAM}`;
    const wrongPassword = await refused({
      KAFKA_BROKERS: scram,
      KAFKA_SASL_MECHANISM: 'scram-sha-256',
      KAFKA_SASL_USERNAME: 'sync',
      KAFKA_SASL_PASSWORD: 'not-the-password',
    });
    expect(wrongPassword).toMatch(/SASL SCRAM SHA256 authentication failed|Authentication failed/i);
    const anonymous = await refused({ KAFKA_BROKERS: scram });
    expect(anonymous).not.toBe('connected');
    // No CA given: the broker's certificate, signed by the test's own CA, is not trusted.
    const untrusted = await refused({
      KAFKA_BROKERS: secure,
      KAFKA_SSL: 'true',
      KAFKA_SASL_MECHANISM: 'plain',
      KAFKA_SASL_USERNAME: 'sync',
      KAFKA_SASL_PASSWORD: users.sync,
    });
    expect(untrusted).toMatch(/certificate/i);
  }, 90_000);

  it('start-up refuses a replication factor the cluster cannot hold, naming the numbers', async () => {
    const kafka = createKafka({
      brokers: [`127.0.0.1:${cluster.nodes[0]!.ports.INTERNAL}`],
      clientId: 'security-test',
      logger,
    });
    await expect(
      ensureTopics(kafka, `rep${Date.now()}.`, ['changes'], { replicationFactor: 3, minInsyncReplicas: 2 }),
    ).rejects.toThrow('KAFKA_REPLICATION_FACTOR is 3 but the cluster has 1 broker');
  }, 60_000);
});
