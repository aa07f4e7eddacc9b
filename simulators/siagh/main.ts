import { z } from 'zod';
import { createLogger } from '../common/logger';
import { bool, onShutdown, optionalNonNegInt, parseEnv, port } from '../common/env';
import { startSiaghSimulator } from './server';

// `npm run sim:siagh`: the Siagh simulator on 127.0.0.1 (SIAGH_SIM_HOST), optionally seeded with generated data
// (the Siagh side of the same dataset the CRM simulator generates from the same variables).
const env = parseEnv({
  SIAGH_SIM_PORT: port(7102),
  // 0.0.0.0 in a container, so the services in the other containers can reach it.
  SIAGH_SIM_HOST: z.string().min(1).default('127.0.0.1'),
  SIAGH_SIM_USERNAME: z.string().default('admin'),
  SIAGH_SIM_PASSWORD: z.string().default('admin'),
  SIAGH_SIM_SESSION_TTL_MS: z.coerce
    .number()
    .int()
    .positive()
    .default(20 * 60_000),
  SIM_SEED: optionalNonNegInt,
  SIM_CUSTOMERS: z.coerce.number().int().nonnegative().default(0),
  SIM_OVERLAP: z.coerce.number().min(0).max(1).default(0.5),
  SIM_COSMETIC_VARIATION: bool(true),
  SIM_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

const log = createLogger('siagh-sim', env.SIM_LOG_LEVEL);
const sim = await startSiaghSimulator({
  port: env.SIAGH_SIM_PORT,
  host: env.SIAGH_SIM_HOST,
  username: env.SIAGH_SIM_USERNAME,
  password: env.SIAGH_SIM_PASSWORD,
  sessionTtlMs: env.SIAGH_SIM_SESSION_TTL_MS,
  logger: log,
  ...(env.SIM_CUSTOMERS > 0 && {
    dataset: {
      seed: env.SIM_SEED ?? 1,
      customers: env.SIM_CUSTOMERS,
      overlap: env.SIM_OVERLAP,
      cosmeticVariation: env.SIM_COSMETIC_VARIATION,
    },
  }),
});
onShutdown(() => sim.close(), log);
