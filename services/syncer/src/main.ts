import express from 'express';
import { exitOnConfigError } from '@siaghsync/shared/config';
import { createLogger } from '@siaghsync/shared/logger';
import { startWaitingForInfra } from '@siaghsync/shared/startup';
import { loadSyncerConfig, type SyncerConfig } from './config';
import { startSyncer } from './service';
import { readyAnswer } from './ready';

let cfg: SyncerConfig;
try {
  cfg = loadSyncerConfig();
} catch (e) {
  exitOnConfigError(e);
}
const logger = createLogger({ service: 'syncer', level: cfg.LOG_LEVEL });
if (!cfg.OPERATOR_EVENT_KEY)
  logger.warn(
    'OPERATOR_EVENT_KEY is not set: every conflict resolution and redrive is dead-lettered unsigned',
  );

// Kafka or the registry restarting while we start is waited out, not a crash.
// A mapping the poller reads differently refuses the start (exit 78), like a bad variable.
const syncer = await startWaitingForInfra(() => startSyncer(cfg, logger), logger).catch(exitOnConfigError);
const app = express();
app.get('/health', (_req, res) => void res.json({ status: 'ok' }));
app.get('/ready', async (_req, res) => {
  const { status, body } = await readyAnswer(syncer);
  res.status(status).json(body);
});
app.get('/metrics', async (_req, res) => {
  res.type(syncer.metrics.registry.contentType).send(await syncer.metrics.registry.metrics());
});
const server = app.listen(cfg.SYNCER_PORT, cfg.SYNCER_HOST, () =>
  logger.info({ host: cfg.SYNCER_HOST, port: cfg.SYNCER_PORT }, 'syncer http listening'),
);

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'shutting down: finishing in-flight events, committing, leaving the group');
  server.close();
  await syncer.stop();
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
