// The CRM adapter's own environment variables (see .env.example). The password is only ever held
// in this object and sent in the login body; it is never logged (the logger redacts `password` too).

import { z } from 'zod';
import { envSecret, parseEnv } from '../config';
import { CRM_UPDATE_MODES, type CrmUpdateMode } from '../mapping/crm';

export const crmEnvSchema = z.object({
  CRM_BASE_URL: z.string().url(),
  CRM_USERNAME: z.string().min(1),
  CRM_PASSWORD: envSecret(1),
  CRM_RATE_LIMIT_PER_SECOND: z.coerce.number().int().min(1).default(50),
  CRM_TIMEOUT_MS: z.coerce.number().int().positive().default(60_000),
  CRM_UPDATE_MODE: z.enum(CRM_UPDATE_MODES).default('whole-record'),
});

export interface CrmConfig {
  baseUrl: string;
  username: string;
  password: string;
  rateLimitPerSecond: number;
  timeoutMs: number;
  /** What an update carries (see `CrmUpdateMode`); default `whole-record`. */
  updateMode?: CrmUpdateMode;
}

export function loadCrmConfig(env: NodeJS.ProcessEnv = process.env): CrmConfig {
  const e = parseEnv(crmEnvSchema, env, 'CRM adapter');
  return {
    baseUrl: e.CRM_BASE_URL,
    username: e.CRM_USERNAME,
    password: e.CRM_PASSWORD,
    rateLimitPerSecond: e.CRM_RATE_LIMIT_PER_SECOND,
    timeoutMs: e.CRM_TIMEOUT_MS,
    updateMode: e.CRM_UPDATE_MODE,
  };
}
