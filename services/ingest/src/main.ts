import type { Server } from 'node:http';
import { exitOnConfigError } from '@siaghsync/shared/config';
import { createKafka, kafkaConnection, registryAuthOf, replicationOf } from '@siaghsync/shared/kafka/index';
import { createLogger } from '@siaghsync/shared/logger';
import { EventCodec } from '@siaghsync/shared/registry';
import { createApp } from './app';
import { loadConfig, type IngestConfig } from './config';
import { KafkaPublisher } from './publisher';
import { createReadiness } from './readiness';

// Reads the configuration and wires the parts; the behaviour lives in app.ts and the routes.

let config: IngestConfig;
try {
  config = loadConfig(process.env);
} catch (err) {
  exitOnConfigError(err);
}
const env = config.env;
const logger = createLogger({ service: 'ingest', level: env.LOG_LEVEL });
const kafka = createKafka({
  ...kafkaConnection(env),
  clientId: env.KAFKA_CLIENT_ID ?? 'siaghsync-ingest',
  logger,
});
const publisher = new KafkaPublisher({
  kafka,
  codec: new EventCodec(env.SCHEMA_REGISTRY_URL, registryAuthOf(env)),
  replication: replicationOf(env),
  topicPrefix: env.TOPIC_PREFIX,
  timeoutMs: env.INGEST_PRODUCE_TIMEOUT_MS,
  maxInFlight: env.INGEST_MAX_IN_FLIGHT,
  logger,
});
let shuttingDown = false;
const readiness = createReadiness({
  kafka,
  registryUrl: env.SCHEMA_REGISTRY_URL,
  registryAuth: registryAuthOf(env),
  producerReady: () => publisher.ready,
  shuttingDown: () => shuttingDown,
});
const { app } = createApp({ config: config.http, publisher, readiness, logger });

// Listen at once (health answers, webhooks get 503 until the producer is connected), connect behind.
void publisher.start();
const server: Server = app.listen(env.INGEST_PORT, env.INGEST_HOST, () => {
  logger.info(
    {
      address: `http://${env.INGEST_HOST}:${env.INGEST_PORT}`,
      crmSecrets: config.http.crmSecrets.length,
      signedSenders: [...config.http.signingKeys.keys()],
      crmAllowlist: config.http.crmAllowedIps.length > 0,
    },
    'ingest listening',
  );
});
// Slow-loris protection: a client gets 10 s to send its headers and 15 s for the whole request.
server.headersTimeout = 10_000;
server.requestTimeout = 15_000;
server.on('error', (err) => {
  logger.fatal({ err }, 'cannot listen');
  process.exit(1);
});

async function shutdown(signal: string): Promise<void> {
  if (shuttingDown) return;
  shuttingDown = true;
  logger.info({ signal }, 'shutting down: no new connections, finishing requests in flight');
  const hardStop = setTimeout(() => {
    logger.warn('shutdown timeout: closing remaining connections');
    server.closeAllConnections();
  }, env.INGEST_SHUTDOWN_TIMEOUT_MS);
  hardStop.unref();
  // close() stops accepting and resolves once every in-flight request has been answered.
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
  });
  clearTimeout(hardStop);
  await publisher.stop().catch((err: unknown) => logger.warn({ err }, 'producer disconnect failed'));
  logger.info('stopped');
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
