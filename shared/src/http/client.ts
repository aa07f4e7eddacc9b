// One HTTP client per target system: an undici Pool (keep-alive, connect/headers/body timeouts), a
// client-side token bucket and concurrency bound (callLimiter.ts) so we never exceed what the target tolerates, and retries
// (cockatiel: exponential backoff with decorrelated jitter) limited by a retry budget. A 429 pauses the
// whole client until its Retry-After, so no call to that target goes out before the server allows it.
// Non-idempotent calls (creates) are only retried when the request certainly was not processed.

import {
  ExponentialBackoff,
  handleWhen,
  retry,
  type IBackoff,
  type IBackoffFactory,
  type IRetryBackoffContext,
} from 'cockatiel';
import { currentGuard } from './callGuard';
import { Pool } from 'undici';
import type { IncomingHttpHeaders } from 'node:http';
import { SyncError, rateLimited } from '../errors';
import type { Logger } from '../logger';
import { parseRetryAfter } from './retryAfter';
import { CallLimiter, type RateLimitOptions } from './callLimiter';
import { RetryBudget, type RetryBudgetOptions } from './retryBudget';
import { SystemHealth, statusIsFailure } from './health';
import { certainlyNotProcessed, errorForNetwork, errorForStatus, type SystemName } from './statusErrors';

export interface RetryOptions {
  maxAttempts: number;
  initialDelayMs: number;
  maxDelayMs: number;
  /** A Retry-After longer than this is not waited out inside the call: the caller gets the rate-limited error. */
  maxRetryAfterMs: number;
  budget: RetryBudgetOptions;
}

export interface HttpClientOptions {
  system: SystemName;
  baseUrl: string;
  connections?: number;
  connectTimeoutMs?: number;
  headersTimeoutMs?: number;
  bodyTimeoutMs?: number;
  keepAliveTimeoutMs?: number;
  retry?: Partial<RetryOptions>;
  /** false: no client-side limit (benchmarks of the raw path). */
  rateLimit?: Partial<RateLimitOptions> | false;
  /** Pulls the system's own error text out of an error body, for the audit. */
  messageOf?: (json: unknown) => string | undefined;
  logger?: Logger | undefined;
}

export interface HttpRequest {
  method: 'GET' | 'POST';
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
  /** May this exact request be sent twice? Creates may not. */
  idempotent: boolean;
  /**
   * Send now or not at all: one attempt, and no waiting out another call's 429 first. For a body built from
   * a read just made (the CRM's whole-record update): sent seconds later it could undo an edit made
   * meanwhile, so the caller reads again instead.
   */
  once?: boolean;
}

export interface HttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  /** The parsed body, or undefined when it is not JSON. */
  json: unknown;
  /**
   * The exchange alone: request sent to the last byte of the body received. Without the wait for a
   * slot (rate limit, concurrency) and without parsing, so nearer the target's cost than a caller's clock.
   */
  exchangeMs: number;
}

export const DEFAULT_RETRY: RetryOptions = {
  maxAttempts: 4,
  initialDelayMs: 100,
  maxDelayMs: 10_000,
  maxRetryAfterMs: 30_000,
  budget: { ratio: 0.2, minPerSecond: 5, max: 50 },
};
export const DEFAULT_RATE_LIMIT: RateLimitOptions = { perSecond: 50, maxConcurrent: 16 };

/** Waits at least the server's Retry-After, otherwise the jittered exponential delay. */
class RetryAfterBackoff implements IBackoffFactory<IRetryBackoffContext<unknown>> {
  constructor(private readonly inner: IBackoffFactory<unknown>) {}
  next(context: IRetryBackoffContext<unknown>): IBackoff<IRetryBackoffContext<unknown>> {
    const step = this.inner.next(context);
    const error = 'error' in context.result ? context.result.error : undefined;
    const min = error instanceof SyncError ? (error.retryAfterMs ?? 0) : 0;
    return { duration: Math.max(step.duration, min), next: (c) => new RetryAfterBackoff(step).next(c) };
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class HttpClient {
  readonly system: SystemName;
  private readonly pool: Pool;
  private readonly prefix: string;
  private readonly limiter: CallLimiter | undefined;
  private readonly budget: RetryBudget;
  private readonly retryOptions: RetryOptions;
  private pausedUntil = 0;
  /** The target's state as this client's calls found it (for the services' /ready). */
  readonly health = new SystemHealth();

  constructor(private readonly options: HttpClientOptions) {
    this.system = options.system;
    const url = new URL(options.baseUrl);
    this.prefix = url.pathname.replace(/\/+$/, '');
    this.pool = new Pool(url.origin, {
      connections: options.connections ?? 16,
      keepAliveTimeout: options.keepAliveTimeoutMs ?? 30_000,
      connectTimeout: options.connectTimeoutMs ?? 5_000,
      headersTimeout: options.headersTimeoutMs ?? 30_000,
      bodyTimeout: options.bodyTimeoutMs ?? 30_000,
    });
    this.retryOptions = { ...DEFAULT_RETRY, ...options.retry };
    this.budget = new RetryBudget(this.retryOptions.budget);
    if (options.rateLimit !== false) {
      this.limiter = new CallLimiter({ ...DEFAULT_RATE_LIMIT, ...options.rateLimit });
    }
  }

  /** One attempt; any status is returned, only network failures throw (as typed SyncErrors). */
  async send(req: Omit<HttpRequest, 'idempotent'>): Promise<HttpResponse> {
    const headers: Record<string, string> = { accept: 'application/json', ...req.headers };
    let body: string | undefined;
    if (req.body !== undefined) {
      body = JSON.stringify(req.body);
      headers['content-type'] = 'application/json; charset=utf-8';
    }
    try {
      const began = performance.now();
      const res = await this.pool.request({
        method: req.method,
        path: this.prefix + req.path,
        headers,
        body: body ?? null,
      });
      const text = await res.body.text();
      const exchangeMs = performance.now() - began;
      let json: unknown;
      if (text !== '') {
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
      }
      return { status: res.statusCode, headers: res.headers, text, json, exchangeMs };
    } catch (error) {
      throw errorForNetwork(this.system, error, req.path);
    }
  }

  private shouldRetry(error: unknown, idempotent: boolean): boolean {
    if (!(error instanceof SyncError)) return false;
    if (error.kind === 'rate-limited') {
      if ((error.retryAfterMs ?? 0) > this.retryOptions.maxRetryAfterMs) return false;
    } else if (error.kind !== 'transient' || !(idempotent || certainlyNotProcessed(error))) {
      return false;
    }
    return this.budget.tryWithdraw();
  }

  private async attempt(req: HttpRequest): Promise<HttpResponse> {
    // A 429 seen by any call holds back every call to this target until its Retry-After has passed.
    for (let wait = this.pausedUntil - Date.now(); wait > 0; wait = this.pausedUntil - Date.now()) {
      if (req.once) {
        throw rateLimited(
          `${this.system}_RATE_LIMITED`,
          `${this.system} calls held back by a 429 on ${req.path}`,
          {
            retryAfterMs: wait,
            details: { path: req.path },
          },
        );
      }
      await sleep(wait);
    }
    // Taken now: the limiter may run the call from another async context.
    const guard = currentGuard();
    const send = guard
      ? async () => {
          await guard();
          return this.send(req);
        }
      : () => this.send(req);
    let res: HttpResponse;
    try {
      res = this.limiter ? await this.limiter.schedule(send) : await send();
    } catch (error) {
      // A refusal by the guard says nothing about the target.
      if (error instanceof SyncError) this.health.failed(error.message);
      throw error;
    }
    if (res.status >= 200 && res.status < 300) {
      this.health.answered();
      return res;
    }
    const retryAfterMs = res.status === 429 ? parseRetryAfter(res.headers['retry-after']) : undefined;
    const error = errorForStatus(this.system, {
      status: res.status,
      retryAfterMs,
      sourceMessage: this.options.messageOf?.(res.json),
      bodyText: res.text,
      path: req.path,
    });
    if (statusIsFailure(res.status)) this.health.failed(error.message);
    else if (res.status !== 429) this.health.answered();
    if (retryAfterMs !== undefined) this.pausedUntil = Math.max(this.pausedUntil, Date.now() + retryAfterMs);
    throw error;
  }

  /**
   * Runs `fn` in one slot of the client's concurrency bound, its calls ahead of the calls waiting for their
   * turn (callLimiter.ts hold): a read and the write built from it go out back to back.
   */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    return this.limiter ? this.limiter.hold(fn) : fn();
  }

  /** Calls made by `fn` take no slot and go first (callLimiter.ts priority): for logins. */
  priority<T>(fn: () => Promise<T>): Promise<T> {
    return this.limiter ? this.limiter.priority(fn) : fn();
  }

  /** Sends with retries; a 2xx is returned, anything else throws a SyncError from the catalogue. */
  async request(req: HttpRequest): Promise<HttpResponse> {
    if (req.once) return this.attempt(req);
    this.budget.deposit();
    const policy = retry(
      handleWhen((e) => this.shouldRetry(e, req.idempotent)),
      {
        maxAttempts: this.retryOptions.maxAttempts - 1,
        backoff: new RetryAfterBackoff(
          new ExponentialBackoff({
            initialDelay: this.retryOptions.initialDelayMs,
            maxDelay: this.retryOptions.maxDelayMs,
          }),
        ),
      },
    );
    policy.onRetry((r) => {
      const error = 'error' in r ? r.error : undefined;
      this.options.logger?.warn(
        {
          system: this.system,
          path: req.path,
          attempt: r.attempt,
          delayMs: r.delay,
          code: error instanceof SyncError ? error.code : undefined,
        },
        'retrying request',
      );
    });
    return policy.execute(() => this.attempt(req));
  }

  async close(): Promise<void> {
    await this.pool.close();
  }
}
