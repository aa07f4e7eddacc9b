import pino, { type Logger } from 'pino';

export type { Logger };

/** Embedded in tests the simulators stay quiet unless asked; standalone they log JSON at info. */
export function createLogger(name: string, level: string = process.env.SIM_LOG_LEVEL ?? 'silent'): Logger {
  return pino({ name, level, redact: ['password', 'Password', 'req.headers.authorization'] });
}
