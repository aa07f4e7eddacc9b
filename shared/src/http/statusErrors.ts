// HTTP statuses enter the error catalogue here and nowhere else. Codes are `<SYSTEM>_<REASON>`, e.g.
// CRM_RATE_LIMITED, SIAGH_SERVER_ERROR (every one is listed in docs/errors.md).

import {
  authError,
  classify,
  permanent,
  rateLimited,
  transient,
  SyncError,
  type SyncErrorOptions,
} from '../errors';

export type SystemName = 'CRM' | 'SIAGH';

/** Cut a response body down for an error message: it can be a whole HTML error page. */
export function excerpt(text: string, max = 300): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}

export interface StatusErrorInput {
  status: number;
  retryAfterMs?: number | undefined;
  /** The system's own message from the body, if it had one (often Persian). */
  sourceMessage?: string | undefined;
  bodyText?: string;
  path?: string;
}

export function errorForStatus(system: SystemName, input: StatusErrorInput): SyncError {
  const { status } = input;
  const where = input.path === undefined ? '' : ` on ${input.path}`;
  const opts: SyncErrorOptions = {
    details: { status, ...(input.path === undefined ? {} : { path: input.path }) },
    ...(input.sourceMessage === undefined ? {} : { sourceMessage: input.sourceMessage }),
  };
  const text = input.sourceMessage ?? excerpt(input.bodyText ?? '');
  const msg = (what: string) => `${system} ${what}${where} (HTTP ${status})${text ? `: ${text}` : ''}`;
  if (status === 429) {
    return rateLimited(`${system}_RATE_LIMITED`, msg('rate limit hit'), {
      ...opts,
      ...(input.retryAfterMs === undefined ? {} : { retryAfterMs: input.retryAfterMs }),
    });
  }
  if (status === 401)
    return authError(`${system}_UNAUTHORIZED`, msg('refused the credentials or session'), opts);
  if (status === 403) return authError(`${system}_FORBIDDEN`, msg('forbids this call'), opts);
  if (status === 408) return transient(`${system}_TIMEOUT`, msg('timed out'), opts);
  if (status >= 500) return transient(`${system}_SERVER_ERROR`, msg('server error'), opts);
  if (status === 404) return permanent(`${system}_NOT_FOUND`, msg('has no such record'), opts);
  return permanent(`${system}_BAD_REQUEST`, msg('rejected the request'), opts);
}

const TIMEOUT_CODES = new Set([
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'ETIMEDOUT',
]);

/** A thrown network/undici error to a SyncError carrying the system's name (transient, as classify says). */
export function errorForNetwork(system: SystemName, error: unknown, path?: string): SyncError {
  if (error instanceof SyncError) return error;
  const base = classify(error);
  const nodeCode = (error as { code?: unknown } | null)?.code;
  const isTimeout = (typeof nodeCode === 'string' && TIMEOUT_CODES.has(nodeCode)) || base.code === 'TIMEOUT';
  return new SyncError(
    base.kind,
    isTimeout ? `${system}_TIMEOUT` : `${system}_NETWORK`,
    `${system} ${isTimeout ? 'timed out' : 'unreachable'}${path ? ` on ${path}` : ''}: ${base.message}`,
    {
      cause: error,
      details: {
        ...(typeof nodeCode === 'string' ? { errorCode: nodeCode } : {}),
        ...(path ? { path } : {}),
      },
    },
  );
}

/**
 * True when the failed request certainly never reached the application, so even a non-idempotent call
 * (a create) may be sent again: the server refused to start it (429) or the connection never opened.
 */
export function certainlyNotProcessed(error: SyncError): boolean {
  if (error.kind === 'rate-limited') return true;
  const code = error.details?.errorCode;
  return (
    code === 'ECONNREFUSED' ||
    code === 'UND_ERR_CONNECT_TIMEOUT' ||
    code === 'ENOTFOUND' ||
    code === 'EAI_AGAIN'
  );
}
