import type { AddressInfo } from 'node:net';
import net from 'node:net';
import type { Server } from 'node:http';
import { Writable } from 'node:stream';
import { Kafka, logLevel, type KafkaConfig } from 'kafkajs';
import { topicName } from '@siaghsync/shared/kafka/index';
import { createLogger, type Logger } from '@siaghsync/shared/logger';
import { EventCodec } from '@siaghsync/shared/registry';
import type { ChangeEvent } from '@siaghsync/shared/events';
import { requireEnv, uniqueName } from '../../../test/harness/names';
import { createApp } from '../src/app';
import type { IngestHttpConfig } from '../src/config';
import { KafkaPublisher } from '../src/publisher';
import { createReadiness } from '../src/readiness';
import type { IngestMetrics } from '../src/metrics';

export const CRM_SECRET = 'test-crm-secret-0123456789';
export const CRM_SECRET_NEXT = 'test-crm-secret-rotated-abcdef';
export const SIGNING_KEY = Buffer.from('c2lnbmluZy1rZXktZm9yLXRlc3RzLTMyYnl0ZXMhIQ==', 'base64');
export const SIGNING_KEY_OLD = Buffer.from('b2xkLXNpZ25pbmcta2V5LWZvci10ZXN0cy0zMmJ5dGU=', 'base64');

export function httpConfig(over: Partial<IngestHttpConfig> = {}): IngestHttpConfig {
  return {
    crmSecrets: [CRM_SECRET, CRM_SECRET_NEXT],
    crmAllowedIps: [],
    signingKeys: new Map([['erp', [SIGNING_KEY, SIGNING_KEY_OLD]]]),
    trustProxy: false,
    bodyLimitBytes: 16_384,
    rateLimit: { points: 10_000, windowMs: 1000 },
    authFailuresPerMinute: 10_000,
    retryAfterS: 5,
    crmDedupWindowMs: 1000,
    signedToleranceS: 300,
    ...over,
  };
}

/** A socket factory whose connections can be cut (a broker outage as this client sees it) and restored. */
export function cuttableSockets(): {
  factory: NonNullable<KafkaConfig['socketFactory']>;
  cut(): void;
  silence(): void;
  restore(): void;
} {
  const live = new Set<net.Socket>();
  let mode: 'up' | 'refused' | 'silent' = 'up';
  return {
    factory: ({ host, port, onConnect }) => {
      if (mode === 'refused') {
        const s = new net.Socket();
        setImmediate(() =>
          s.destroy(Object.assign(new Error('connect ECONNREFUSED (test outage)'), { code: 'ECONNREFUSED' })),
        );
        return s;
      }
      if (mode === 'silent') return new net.Socket(); // never connects: the client's connect timeout decides
      const s = net.connect({ host, port }, onConnect);
      live.add(s);
      s.on('close', () => live.delete(s));
      return s;
    },
    cut() {
      mode = 'refused';
      // As a stopped broker looks from here: the peer resets the connection.
      for (const s of live)
        s.destroy(Object.assign(new Error('read ECONNRESET (test outage)'), { code: 'ECONNRESET' }));
    },
    /** A partition: open connections stop delivering anything, without being closed (they stay dead). */
    silence() {
      mode = 'silent';
      for (const s of live) {
        s.pause();
        s.removeAllListeners('data');
        live.delete(s);
      }
    },
    restore() {
      mode = 'up';
    },
  };
}

export interface TestIngest {
  url: string;
  topic: string;
  prefix: string;
  kafka: Kafka;
  codec: EventCodec;
  publisher: KafkaPublisher;
  metrics: IngestMetrics;
  logs: string[];
  close(): Promise<void>;
}

export interface StartOptions {
  config?: Partial<IngestHttpConfig>;
  brokers?: string[];
  prefix?: string;
  timeoutMs?: number;
  socketFactory?: KafkaConfig['socketFactory'];
  /** Wait until the producer is connected (false for a broker that is not there). */
  waitReady?: boolean;
  now?: () => number;
}

/** The real app on 127.0.0.1:<free port>, producing to a fresh prefix on the real broker and registry. */
export async function startIngest(opts: StartOptions = {}): Promise<TestIngest> {
  const prefix = opts.prefix ?? `${uniqueName('ing')}.`;
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      logs.push(chunk.toString());
      cb();
    },
  });
  const logger: Logger = createLogger({ service: 'ingest-test', level: 'info' }, sink);
  const kafka = new Kafka({
    clientId: 'ingest-test',
    brokers: opts.brokers ?? requireEnv('KAFKA_BROKERS').split(','),
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1000,
    // A request on a silenced socket settles in 2 s instead of 30, so close() can wait for it.
    requestTimeout: 2000,
    retry: { initialRetryTime: 100, retries: 5, maxRetryTime: 1000 },
    ...(opts.socketFactory && { socketFactory: opts.socketFactory }),
  });
  const codec = new EventCodec(requireEnv('SCHEMA_REGISTRY_URL'));
  const publisher = new KafkaPublisher({
    kafka,
    codec,
    topicPrefix: prefix,
    timeoutMs: opts.timeoutMs ?? 2000,
    maxInFlight: 2000,
    logger,
  });
  const startLoop = publisher.start();
  if (opts.waitReady ?? true) await startLoop;
  const readiness = createReadiness({
    kafka,
    registryUrl: requireEnv('SCHEMA_REGISTRY_URL'),
    producerReady: () => publisher.ready,
    shuttingDown: () => false,
  });
  const { app, metrics } = createApp({
    config: httpConfig(opts.config),
    publisher,
    readiness,
    logger,
    ...(opts.now && { now: opts.now }),
  });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    topic: topicName('changes', prefix),
    prefix,
    kafka,
    codec,
    publisher,
    metrics,
    logs,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await publisher.stop(15_000).catch(() => undefined);
    },
  };
}

/** Sum of the high watermarks of a topic: it moves iff something was produced. */
export async function topicEnd(kafka: Kafka, topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return offsets.reduce((sum, p) => sum + Number(p.high), 0);
  } finally {
    await admin.disconnect();
  }
}

export interface ReadEvent {
  key: string;
  event: ChangeEvent;
  headers: Record<string, string>;
}

/** Every record of the topic, decoded with the registry (a fresh consumer group from the beginning). */
export async function readTopic(
  topic: string,
  codec: EventCodec,
  prefix = 'reader',
  brokers = requireEnv('KAFKA_BROKERS').split(','),
): Promise<ReadEvent[]> {
  const kafka = new Kafka({
    clientId: 'ingest-reader',
    brokers,
    logLevel: logLevel.NOTHING,
  });
  const expected = await topicEnd(kafka, topic);
  const out: ReadEvent[] = [];
  if (expected === 0) return out;
  const consumer = kafka.consumer({ groupId: uniqueName(prefix) });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let done!: () => void;
  const finished = new Promise<void>((r) => (done = r));
  await consumer.run({
    eachMessage: async ({ message }) => {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(message.headers ?? {})) headers[k] = String(v);
      out.push({
        key: message.key?.toString() ?? '',
        event: await codec.decode<ChangeEvent>(message.value!),
        headers,
      });
      if (out.length >= expected) done();
    },
  });
  await Promise.race([finished, new Promise((r) => setTimeout(r, 20_000))]);
  await consumer.disconnect();
  return out;
}

export const GUIDS = Array.from(
  { length: 200 },
  (_, i) => `3f2504e0-4f89-11d3-9a0c-${(0x305e82c3300 + i).toString(16).padStart(12, '0')}`,
);

export function crmUrl(base: string, params: Record<string, string>, secret = CRM_SECRET): string {
  const u = new URL(`${base}/webhooks/crm/${secret}`);
  for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v);
  return u.toString();
}
