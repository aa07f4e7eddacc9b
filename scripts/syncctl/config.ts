import { z } from 'zod';
import { envPort, envSecret, infraEnv, parseEnv } from '@siaghsync/shared/config';

// syncctl's variables: where the services listen (the same variables the services read), the
// operator token, and the infrastructure. Parsed lazily per command, so `syncctl --help` never fails.
const schema = z.object({
  ...infraEnv,
  SYNCCTL_HOST: z.string().min(1).default('127.0.0.1'),
  INGEST_PORT: envPort(7201),
  SYNCER_PORT: envPort(7202),
  POLLER_PORT: envPort(7203),
  PROJECTOR_PORT: envPort(7204),
  /** Overrides SYNCCTL_HOST + PROJECTOR_PORT, e.g. a projector behind a proxy. */
  PROJECTOR_URL: z.string().url().optional(),
  OPERATOR_TOKEN: envSecret(16).optional(),
  /** For the projector's reads (status counts, entity, lists); OPERATOR_TOKEN reads too. */
  PROJECTOR_READ_TOKEN: envSecret(16).optional(),
  SYNCER_GROUP_ID: z
    .string()
    .regex(/^[a-zA-Z0-9._-]+$/)
    .default('siaghsync-syncer'),
  /** Consumer groups whose lag `status` shows: those whose id starts with this. */
  SYNCCTL_GROUP_PREFIX: z.string().default('siaghsync'),
  SYNCCTL_TIMEOUT_MS: z.coerce.number().int().positive().default(5000),
});

export type CtlConfig = z.infer<typeof schema>;

export function loadCtlConfig(env: NodeJS.ProcessEnv = process.env): CtlConfig {
  return parseEnv(schema, env, 'syncctl');
}

export interface ServiceAddress {
  name: 'ingest' | 'syncer' | 'poller' | 'projector';
  url: string;
}

export function serviceAddresses(cfg: CtlConfig): ServiceAddress[] {
  const at = (port: number) => `http://${cfg.SYNCCTL_HOST}:${port}`;
  return [
    { name: 'ingest', url: at(cfg.INGEST_PORT) },
    { name: 'syncer', url: at(cfg.SYNCER_PORT) },
    { name: 'poller', url: at(cfg.POLLER_PORT) },
    { name: 'projector', url: projectorUrl(cfg) },
  ];
}

export const projectorUrl = (cfg: CtlConfig): string =>
  (cfg.PROJECTOR_URL ?? `http://${cfg.SYNCCTL_HOST}:${cfg.PROJECTOR_PORT}`).replace(/\/$/, '');

/**
 * The token sent with the projector's reads: the read token, else the operator token (which reads
 * too). None: the projector answers 401 and expectOk says which variable to set.
 */
export const readToken = (cfg: CtlConfig): string | undefined =>
  cfg.PROJECTOR_READ_TOKEN ?? cfg.OPERATOR_TOKEN;
