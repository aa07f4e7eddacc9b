import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { ConfigError, infraEnv } from '../config';
import {
  kafkaConnection,
  registryAuthOf,
  registryHeaders,
  replicationOf,
  replicationProblem,
  securityProblems,
  underInsync,
  underReplicated,
} from './connection';

const parse = (env: Record<string, string>) => z.object(infraEnv).parse(env);
const variables = (env: Record<string, string>) => securityProblems(parse(env)).map((p) => p.variable);

describe('Kafka security settings', () => {
  it('a plain local broker needs nothing', () => {
    const env = parse({});
    expect(securityProblems(env)).toEqual([]);
    expect(kafkaConnection(env)).toEqual({ brokers: ['127.0.0.1:9092'] });
    expect(replicationOf(env)).toEqual({ replicationFactor: 1, minInsyncReplicas: 1 });
    expect(registryAuthOf(env)).toBeUndefined();
  });

  it('refuses PLAIN without TLS: the password would cross the network in clear', () => {
    expect(
      variables({
        KAFKA_SASL_MECHANISM: 'plain',
        KAFKA_SASL_USERNAME: 'u',
        KAFKA_SASL_PASSWORD: 'pw-4f9a2c',
      }),
    ).toEqual(['KAFKA_SASL_MECHANISM']);
    expect(
      variables({
        KAFKA_SASL_MECHANISM: 'plain',
        KAFKA_SASL_USERNAME: 'u',
        KAFKA_SASL_PASSWORD: 'pw-4f9a2c',
        KAFKA_SSL: 'true',
      }),
    ).toEqual([]);
  });

  it('names every missing or stray part at once', () => {
    expect(
      variables({
        KAFKA_SASL_MECHANISM: 'scram-sha-512',
        KAFKA_SSL_CA_FILE: '/ca.pem',
        KAFKA_SSL_CERT_FILE: '/c.pem',
        KAFKA_MIN_INSYNC_REPLICAS: '3',
        KAFKA_REPLICATION_FACTOR: '2',
        SCHEMA_REGISTRY_USERNAME: 'reg',
      }).sort(),
    ).toEqual(
      [
        'KAFKA_SASL_USERNAME',
        'KAFKA_SASL_PASSWORD',
        'KAFKA_SSL_CA_FILE',
        'KAFKA_SSL_CERT_FILE',
        'KAFKA_SSL_KEY_FILE',
        'KAFKA_MIN_INSYNC_REPLICAS',
        'SCHEMA_REGISTRY_PASSWORD',
      ].sort(),
    );
    expect(variables({ KAFKA_SASL_PASSWORD: 'pw-4f9a2c' })).toEqual(['KAFKA_SASL_MECHANISM']);
  });

  it('builds TLS from PEM files and SCRAM credentials', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'conn-'));
    fs.writeFileSync(path.join(dir, 'ca.pem'), 'CA');
    const conn = kafkaConnection(
      parse({
        KAFKA_BROKERS: 'b1:9094,b2:9094',
        KAFKA_SSL: 'true',
        KAFKA_SSL_CA_FILE: path.join(dir, 'ca.pem'),
        KAFKA_SASL_MECHANISM: 'scram-sha-256',
        KAFKA_SASL_USERNAME: 'sync',
        KAFKA_SASL_PASSWORD: 'pw',
      }),
    );
    expect(conn).toEqual({
      brokers: ['b1:9094', 'b2:9094'],
      ssl: { rejectUnauthorized: true, ca: ['CA'] },
      sasl: { mechanism: 'scram-sha-256', username: 'sync', password: 'pw' },
    });
  });

  it('an unreadable certificate file is a config error naming the variable', () => {
    const env = parse({ KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: '/nonexistent/ca.pem' });
    expect(() => kafkaConnection(env)).toThrow(ConfigError);
    expect(() => kafkaConnection(env)).toThrow(/KAFKA_SSL_CA_FILE: cannot read \/nonexistent\/ca.pem/);
  });

  it('a placeholder password is refused before any connection', () => {
    expect(() => parse({ KAFKA_SASL_PASSWORD: 'change-me' })).toThrow(/KAFKA_SASL_PASSWORD|placeholder/);
    expect(() => parse({ SCHEMA_REGISTRY_PASSWORD: 'changeme' })).toThrow();
  });

  it('registry basic auth becomes one Authorization header', () => {
    const auth = registryAuthOf(parse({ SCHEMA_REGISTRY_USERNAME: 'reg', SCHEMA_REGISTRY_PASSWORD: 's3' }));
    expect(registryHeaders(auth)).toEqual({
      Authorization: `Basic ${Buffer.from('reg:s3').toString('base64')}`,
    });
    expect(registryHeaders(undefined)).toEqual({});
  });
});

describe('replication against the cluster', () => {
  const three = { replicationFactor: 3, minInsyncReplicas: 2 };

  it('a cluster with fewer brokers than copies is refused, with the numbers', () => {
    expect(replicationProblem(three, 1)).toMatch(
      /KAFKA_REPLICATION_FACTOR is 3 but the cluster has 1 broker:/,
    );
    expect(replicationProblem(three, 3)).toBeNull();
    expect(replicationProblem({ replicationFactor: 1, minInsyncReplicas: 1 }, 1)).toBeNull();
  });

  it('lists the existing topics that keep fewer copies than configured', () => {
    const topics = [
      { name: 'a', partitions: [{ replicas: [1, 2, 3] }, { replicas: [2, 3, 1] }] },
      { name: 'b', partitions: [{ replicas: [1, 2, 3] }, { replicas: [1] }] },
    ];
    expect(underReplicated(three, topics)).toEqual(['b (1 replicas)']);
    expect(underReplicated({ replicationFactor: 1, minInsyncReplicas: 1 }, topics)).toEqual([]);
    // Enough copies, but a write is acknowledged with fewer in sync than configured.
    const configs = [
      { name: 'a', minInsync: 2 },
      { name: 'b', minInsync: 1 },
    ];
    expect(underInsync(three, configs)).toEqual(['b (min.insync.replicas 1)']);
    expect(underInsync({ replicationFactor: 1, minInsyncReplicas: 1 }, configs)).toEqual([]);
  });
});
