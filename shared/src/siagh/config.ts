// The Siagh adapter's own environment variables (see .env.example). The password is hashed (MD5,
// upper-case hex, as Siagh wants it) only in the login body and never logged.

import { z } from 'zod';
import { envSecret, parseEnv } from '../config';

export const siaghEnvSchema = z.object({
  SIAGH_BASE_URL: z.string().url(),
  SIAGH_USERNAME: z.string().min(1),
  SIAGH_PASSWORD: envSecret(1),
  SIAGH_RATE_LIMIT_PER_SECOND: z.coerce.number().int().min(1).default(20),
  SIAGH_TIMEOUT_MS: z.coerce.number().int().positive().default(60_000),
});

export interface SiaghConfig {
  baseUrl: string;
  username: string;
  password: string;
  rateLimitPerSecond: number;
  timeoutMs: number;
}

export function loadSiaghConfig(env: NodeJS.ProcessEnv = process.env): SiaghConfig {
  const e = parseEnv(siaghEnvSchema, env, 'Siagh adapter');
  return {
    baseUrl: e.SIAGH_BASE_URL,
    username: e.SIAGH_USERNAME,
    password: e.SIAGH_PASSWORD,
    rateLimitPerSecond: e.SIAGH_RATE_LIMIT_PER_SECOND,
    timeoutMs: e.SIAGH_TIMEOUT_MS,
  };
}
