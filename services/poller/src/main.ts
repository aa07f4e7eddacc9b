// Poller service entry point: configuration and wiring only (see poller.ts for the behaviour).

import { createLogger } from '@siaghsync/shared/logger';
import { startWaitingForInfra } from '@siaghsync/shared/startup';
import { exitOnConfigError } from '@siaghsync/shared/config';
import {
  createKafka,
  ensureTopics,
  kafkaConnection,
  registryAuthOf,
  replicationOf,
} from '@siaghsync/shared/kafka/index';
import { EventCodec } from '@siaghsync/shared/registry';
import { loadSyncConfig } from '@siaghsync/shared/mapping/syncConfig';
import { CrmClient } from '@siaghsync/shared/crm/client';
import { loadCrmConfig } from '@siaghsync/shared/crm/config';
import { SiaghClient } from '@siaghsync/shared/siagh/client';
import { loadSiaghConfig } from '@siaghsync/shared/siagh/config';
import { loadPollerEnv, toSettings } from './config';
import { createMetrics } from './metrics';
import { Poller } from './poller';
import { startHttp } from './http';
import { announceMapping } from './mappingNotice';

async function main(): Promise<void> {
  let env;
  let crmConfig;
  let siaghConfig;
  let syncConfig;
  try {
    env = loadPollerEnv();
    crmConfig = env.POLLER_SOURCES.includes('crm') ? loadCrmConfig() : undefined;
    siaghConfig = env.POLLER_SOURCES.includes('siagh') ? loadSiaghConfig() : undefined;
    syncConfig = loadSyncConfig();
  } catch (e) {
    exitOnConfigError(e);
  }
  const settings = toSettings(env);
  const logger = createLogger({ service: 'poller', level: env.LOG_LEVEL });
  const metrics = createMetrics();
  const kafka = createKafka({
    ...kafkaConnection(env),
    clientId: env.KAFKA_CLIENT_ID ?? 'siaghsync-poller',
    logger,
  });
  const codec = new EventCodec(env.SCHEMA_REGISTRY_URL, registryAuthOf(env));
  // Kafka or the registry still starting (npm start, a broker restart) is waited out, not a crash.
  await startWaitingForInfra(async () => {
    await ensureTopics(kafka, env.TOPIC_PREFIX, ['changes', 'pollerState', 'control'], replicationOf(env));
    await codec.registerAll(['ChangeEvent']);
    const announced = await announceMapping(
      kafka,
      env.TOPIC_PREFIX,
      syncConfig,
      process.env.SYNC_CONFIG_PATH ?? null,
      env.OPERATOR_EVENT_KEY,
    );
    if (!announced)
      logger.warn(
        'OPERATOR_EVENT_KEY is not set: the syncer cannot check that it reads the mapping as this poller does',
      );
  }, logger);
  const crm = crmConfig ? new CrmClient(crmConfig, { logger }) : undefined;
  const siagh = siaghConfig ? new SiaghClient(siaghConfig, { logger }) : undefined;
  const poller = new Poller({
    kafka,
    codec,
    prefix: env.TOPIC_PREFIX,
    settings,
    syncConfig,
    crm,
    siagh,
    logger,
    metrics,
  });
  await poller.start();
  const server = await startHttp(env.POLLER_PORT, env.POLLER_HOST, metrics, {
    // Ready once every source is either led elsewhere or led here with its state restored.
    ready: () => poller.handles.every((h) => !h.election.isLeader || h.runner.tracker !== undefined),
    status: () => ({
      ...Object.fromEntries(
        poller.handles.map((h) => {
          const interval = h.runner.intervalChoice();
          return [
            h.source,
            {
              leader: h.election.isLeader,
              sweeps: h.runner.sweeps,
              intervalMs: interval.ms,
              intervalReason: interval.reason,
              ...(h.runner.progress && { sweepProgress: h.runner.progress }),
            },
          ];
        }),
      ),
      // The CRM and Siagh as this instance's calls found them (a source not polled here: null). Reported,
      // never a reason for 503: a failing sweep is retried and shows in the sweep metrics.
      systems: { crm: crm?.http.health.snapshot() ?? null, siagh: siagh?.http.health.snapshot() ?? null },
    }),
  });
  logger.info({ host: env.POLLER_HOST, port: env.POLLER_PORT, sources: settings.sources }, 'poller started');

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: finishing the sweep in flight');
    server.close();
    await poller.stop();
    await Promise.all([crm?.close(), siagh?.close()]);
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((err: unknown) => {
  process.stderr.write(`poller failed to start: ${String((err as Error).stack ?? err)}\n`);
  process.exit(1);
});
