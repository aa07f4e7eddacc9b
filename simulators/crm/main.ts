import { z } from 'zod';
import { createLogger } from '../common/logger';
import { bool, onShutdown, optionalNonNegInt, parseEnv, port } from '../common/env';
import { startCrmSimulator } from './server';

// `npm run sim:crm`: the CRM simulator on 127.0.0.1 (CRM_SIM_HOST), optionally seeded with generated data.
const env = parseEnv({
  CRM_SIM_PORT: port(7101),
  // 0.0.0.0 in a container, so the services in the other containers can reach it.
  CRM_SIM_HOST: z.string().min(1).default('127.0.0.1'),
  CRM_SIM_USERNAME: z.string().default('admin'),
  CRM_SIM_PASSWORD: z.string().default('admin'),
  CRM_SIM_TOKEN_TTL_MS: z.coerce.number().int().positive().default(3_600_000),
  CRM_SIM_WEBHOOK_URL: z.string().url().optional(),
  CRM_SIM_WEBHOOK_DELAY_MS: z.coerce.number().nonnegative().default(0),
  CRM_SIM_WEBHOOK_DUPLICATE_RATE: z.coerce.number().min(0).max(1).default(0),
  CRM_SIM_WEBHOOK_REORDER_MS: z.coerce.number().nonnegative().default(0),
  SIM_SEED: optionalNonNegInt,
  SIM_CUSTOMERS: z.coerce.number().int().nonnegative().default(0),
  SIM_OVERLAP: z.coerce.number().min(0).max(1).default(0.5),
  SIM_QUOTES: z.coerce.number().int().nonnegative().default(0),
  SIM_COSMETIC_VARIATION: bool(true),
  SIM_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

const log = createLogger('crm-sim', env.SIM_LOG_LEVEL);
const sim = await startCrmSimulator({
  port: env.CRM_SIM_PORT,
  host: env.CRM_SIM_HOST,
  username: env.CRM_SIM_USERNAME,
  password: env.CRM_SIM_PASSWORD,
  tokenTtlMs: env.CRM_SIM_TOKEN_TTL_MS,
  logger: log,
  webhooks: {
    ...(env.CRM_SIM_WEBHOOK_URL !== undefined && { url: env.CRM_SIM_WEBHOOK_URL }),
    delayMs: env.CRM_SIM_WEBHOOK_DELAY_MS,
    duplicateRate: env.CRM_SIM_WEBHOOK_DUPLICATE_RATE,
    reorderWindowMs: env.CRM_SIM_WEBHOOK_REORDER_MS,
  },
  ...(env.SIM_CUSTOMERS > 0 && {
    dataset: {
      seed: env.SIM_SEED ?? 1,
      customers: env.SIM_CUSTOMERS,
      overlap: env.SIM_OVERLAP,
      quotes: env.SIM_QUOTES,
      cosmeticVariation: env.SIM_COSMETIC_VARIATION,
    },
  }),
});
onShutdown(() => sim.close(), log);
