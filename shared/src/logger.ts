import { randomUUID } from 'node:crypto';
import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';

export type { Logger } from 'pino';

/**
 * Every key that may carry a credential, at any depth pino can address. Redaction is by key name so
 * that a secret nested in an error's `details` or in a logged request is censored too.
 */
const SECRET_KEYS = [
  'password',
  'Password',
  'PASSWORD',
  'accessToken',
  'refreshToken',
  'token',
  'Token',
  'SessionId',
  'sessionId',
  'secret',
  'secrets',
  'authorization',
  'Authorization',
  'cookie',
  'apiKey',
  'operatorToken',
];

const redactPaths = SECRET_KEYS.flatMap((k) => [k, `*.${k}`, `*.*.${k}`, `*.*.*.${k}`]).concat([
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-operator-token"]',
  'req.headers["webhook-signature"]',
]);

export interface LoggerConfig {
  service: string;
  level?: LoggerOptions['level'];
}

export function createLogger(cfg: LoggerConfig, destination?: DestinationStream): Logger {
  const options: LoggerOptions = {
    name: cfg.service,
    level: cfg.level ?? 'info',
    base: { service: cfg.service },
    redact: { paths: redactPaths, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  };
  return destination ? pino(options, destination) : pino(options);
}

/** The id that follows one event through every service's logs and into its outcome. */
export function newCorrelationId(): string {
  return randomUUID();
}

export function withCorrelation(logger: Logger, correlationId: string, extra: object = {}): Logger {
  return logger.child({ correlationId, ...extra });
}
