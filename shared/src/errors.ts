// One error catalogue for the whole pipeline. Every failure that crosses a module boundary is one of
// these kinds, so the retry-or-dead-letter choice is a switch on `kind`, never a guess from a message.
// HTTP statuses only appear at the HTTP edges (adapters map them in, routes map them out).

export type ErrorKind = 'transient' | 'rate-limited' | 'auth' | 'permanent';

export interface SyncErrorOptions {
  cause?: unknown;
  /** Milliseconds to wait before retrying, from Retry-After or a backoff policy. */
  retryAfterMs?: number;
  /** The target system's own message (often Persian), kept verbatim for the audit. */
  sourceMessage?: string;
  details?: Record<string, unknown>;
}

export class SyncError extends Error {
  readonly kind: ErrorKind;
  /** A stable English reason code (`SIAGH_DUPLICATE_PHONE`, `CRM_TIMEOUT`, ...), documented in docs/errors.md. */
  readonly code: string;
  readonly retryAfterMs: number | undefined;
  readonly sourceMessage: string | undefined;
  readonly details: Record<string, unknown> | undefined;

  constructor(kind: ErrorKind, code: string, message: string, options: SyncErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SyncError';
    this.kind = kind;
    this.code = code;
    this.retryAfterMs = options.retryAfterMs;
    this.sourceMessage = options.sourceMessage;
    this.details = options.details;
  }

  get retriable(): boolean {
    return this.kind !== 'permanent';
  }

  toJSON(): Record<string, unknown> {
    return {
      kind: this.kind,
      code: this.code,
      message: this.message,
      ...(this.retryAfterMs === undefined ? {} : { retryAfterMs: this.retryAfterMs }),
      ...(this.sourceMessage === undefined ? {} : { sourceMessage: this.sourceMessage }),
      ...(this.details === undefined ? {} : { details: this.details }),
    };
  }
}

export const transient = (code: string, message: string, options?: SyncErrorOptions): SyncError =>
  new SyncError('transient', code, message, options);
export const rateLimited = (code: string, message: string, options?: SyncErrorOptions): SyncError =>
  new SyncError('rate-limited', code, message, options);
export const authError = (code: string, message: string, options?: SyncErrorOptions): SyncError =>
  new SyncError('auth', code, message, options);
export const permanent = (code: string, message: string, options?: SyncErrorOptions): SyncError =>
  new SyncError('permanent', code, message, options);

const TRANSIENT_NODE_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENOTFOUND',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
]);

/**
 * Total classification of anything thrown. Unknown errors are transient on purpose: retrying a bug
 * a few times costs little, while dead-lettering a network blip would need a person to redrive it.
 */
export function classify(error: unknown): SyncError {
  if (error instanceof SyncError) return error;
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && TRANSIENT_NODE_CODES.has(code)) {
      return transient(`NETWORK_${code}`, error.message, { cause: error });
    }
    if (error.name === 'AbortError' || error.name === 'TimeoutError') {
      return transient('TIMEOUT', error.message, { cause: error });
    }
    if (error.name === 'ZodError') {
      return permanent('INVALID_SHAPE', error.message, { cause: error });
    }
    // kafkajs marks its own errors with `retriable`.
    const retriable = (error as { retriable?: unknown }).retriable;
    if (retriable === false && error.name.startsWith('Kafka')) {
      return permanent('KAFKA_NON_RETRIABLE', error.message, { cause: error });
    }
    return transient('UNKNOWN', error.message, { cause: error });
  }
  return transient('UNKNOWN', typeof error === 'string' ? error : 'non-error value thrown', {
    details: { value: String(error) },
  });
}
