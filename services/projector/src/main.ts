import { exitOnConfigError } from '@siaghsync/shared/config';
import { createLogger } from '@siaghsync/shared/logger';
import { startWaitingForInfra } from '@siaghsync/shared/startup';
import { loadConfig, type ProjectorConfig } from './config';
import { startService } from './service';

let cfg: ProjectorConfig;
try {
  cfg = loadConfig();
} catch (err) {
  exitOnConfigError(err);
}
const logger = createLogger({ service: 'projector', level: cfg.LOG_LEVEL });
if (!cfg.OPERATOR_TOKEN)
  logger.warn('OPERATOR_TOKEN is not set: operator actions (resolve, redrive, rebuild) answer 503');
if (!cfg.PROJECTOR_READ_TOKEN)
  logger.warn('PROJECTOR_READ_TOKEN is not set: the read API and dashboard take the operator token only');

const service = await startWaitingForInfra(() => startService(cfg, logger), logger);
let stopping = false;
const shutdown = (signal: string) => {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'shutting down');
  const force = setTimeout(() => process.exit(1), 15_000);
  force.unref();
  service.stop().then(
    () => process.exit(0),
    (err: unknown) => {
      logger.error({ err }, 'shutdown failed');
      process.exit(1);
    },
  );
};
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));
