// Exit codes operators and scripts can rely on (README "Operate it").
export const EXIT = { ok: 0, failed: 1, usage: 2, unreachable: 3, config: 78 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** An error the CLI explains itself: a message naming what is wrong, a hint saying what to do. */
export class CliError extends Error {
  constructor(
    readonly exitCode: ExitCode,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

const NET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'ETIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** True for "nothing answered there" (refused, reset, DNS, timeout), however deeply it is wrapped. */
export function isUnreachable(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 6; depth++) {
    const o = e as { code?: unknown; name?: unknown; message?: unknown; cause?: unknown };
    if (typeof o.code === 'string' && NET_CODES.has(o.code)) return true;
    if (
      o.name === 'TimeoutError' ||
      o.name === 'KafkaJSConnectionError' ||
      o.name === 'KafkaJSNonRetriableError'
    ) {
      if (o.name !== 'KafkaJSNonRetriableError' || /connect|ECONNREFUSED/i.test(String(o.message)))
        return true;
    }
    if (typeof o.message === 'string' && /ECONNREFUSED|Connection error|connect ETIMEDOUT/.test(o.message))
      return true;
    e = o.cause ?? (o as { originalError?: unknown }).originalError;
  }
  return false;
}

/** Maps anything thrown to a code and a message; an unknown error is an operation failure. */
export function classify(err: unknown): { exitCode: ExitCode; message: string; hint?: string } {
  if (err instanceof CliError)
    return { exitCode: err.exitCode, message: err.message, ...(err.hint ? { hint: err.hint } : {}) };
  const e = err as { name?: string; message?: string; issues?: unknown };
  if (e?.name === 'ConfigError')
    return { exitCode: EXIT.config, message: e.message ?? 'invalid configuration' };
  if (isUnreachable(err)) return { exitCode: EXIT.unreachable, message: e?.message ?? String(err) };
  return { exitCode: EXIT.failed, message: e?.message ?? String(err) };
}
