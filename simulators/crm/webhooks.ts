import { request } from 'undici';
import { z } from 'zod';
import { createRng, type Rng } from '../common/rng';
import type { Logger } from '../common/logger';
import { preciseNow } from '../common/recorder';
import type { ChangeNotice, WebhookType } from './types';

// The CRM's webhook sender: thin notices, at least once, possibly duplicated and out of order,
// and retried with exponential backoff when the receiver fails (non-2xx, timeout, refused).

export const webhookConfigSchema = z
  .object({
    enabled: z.boolean().default(true),
    /** One URL for every object type... */
    url: z.string().url().optional(),
    /** ...or one per object type, as registered in the CRM settings (wins over `url`). */
    urls: z
      .object({ Identity: z.string().url(), Quote: z.string().url(), Invoice: z.string().url() })
      .partial()
      .default({}),
    method: z.enum(['GET', 'POST']).default('GET'),
    delayMs: z.number().nonnegative().default(0),
    /** Each notice is held back by a random extra 0..reorderWindowMs, so close notices can swap. */
    reorderWindowMs: z.number().nonnegative().default(0),
    duplicateRate: z.number().min(0).max(1).default(0),
    timeoutMs: z.number().positive().default(5_000),
    retry: z
      .object({
        // "At least once" (APIS.md): a sender that gives up after seconds would lose every notice of a short
        // outage. ~14 attempts up to 2 min apart keep retrying for 7-14 minutes (ASSUMPTIONS.md).
        maxAttempts: z.number().int().positive().default(14),
        baseDelayMs: z.number().nonnegative().default(1_000),
        maxDelayMs: z.number().nonnegative().default(120_000),
      })
      .strict()
      .default({}),
    seed: z.number().int().default(1),
  })
  .strict();

export type WebhookConfig = z.infer<typeof webhookConfigSchema>;
export type WebhookConfigInput = z.input<typeof webhookConfigSchema>;

export interface Delivery {
  seq: number;
  notice: ChangeNotice;
  url: string;
  copy: number;
  /** `sentMs` / `answeredMs`: when the request went out and its answer came (sub-millisecond wall clock). */
  /** `correlationId`: what the receiver answered in X-Correlation-Id, to account for each acknowledged request. */
  attempts: Array<{
    time: string;
    sentMs: number;
    answeredMs: number;
    status: number;
    error?: string;
    correlationId?: string;
  }>;
  state: 'pending' | 'delivered' | 'failed';
}

export class WebhookDispatcher {
  private cfg: WebhookConfig;
  private rng: Rng;
  private seq = 0;
  private readonly deliveries: Delivery[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private inFlight = 0;
  private idleWaiters: Array<() => void> = [];
  private closed = false;

  constructor(
    input: WebhookConfigInput | undefined,
    private readonly log: Logger,
    private readonly maxKept = 50_000,
  ) {
    this.cfg = webhookConfigSchema.parse(input ?? {});
    this.rng = createRng(this.cfg.seed);
  }

  get config(): WebhookConfig {
    return this.cfg;
  }

  set(input: WebhookConfigInput): WebhookConfig {
    this.cfg = webhookConfigSchema.parse(input);
    this.rng = createRng(this.cfg.seed);
    return this.cfg;
  }

  patch(input: Partial<WebhookConfigInput>): WebhookConfig {
    this.cfg = webhookConfigSchema.parse({ ...this.cfg, ...input });
    return this.cfg;
  }

  private urlFor(type: WebhookType): string | undefined {
    return this.cfg.urls[type] ?? this.cfg.url;
  }

  notify(notice: ChangeNotice): void {
    const url = this.urlFor(notice.type);
    if (!this.cfg.enabled || !url || this.closed) return;
    const copies = this.rng.chance(this.cfg.duplicateRate) ? 2 : 1;
    for (let copy = 1; copy <= copies; copy++) {
      const d: Delivery = { seq: ++this.seq, notice, url, copy, attempts: [], state: 'pending' };
      this.deliveries.push(d);
      if (this.deliveries.length > this.maxKept) this.deliveries.shift();
      this.schedule(d, this.cfg.delayMs + this.rng.next() * this.cfg.reorderWindowMs);
    }
  }

  private schedule(d: Delivery, ms: number): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      void this.attempt(d);
    }, ms);
    t.unref();
    this.timers.add(t);
  }

  private async attempt(d: Delivery): Promise<void> {
    if (this.closed) return;
    this.inFlight++;
    const url = new URL(d.url);
    url.searchParams.set('event', d.notice.event);
    url.searchParams.set('id', d.notice.id);
    url.searchParams.set('type', d.notice.type);
    url.searchParams.set('subtype', d.notice.subtype);
    let status = 0;
    let error: string | undefined;
    let correlationId: string | undefined;
    const sentMs = preciseNow();
    try {
      const res = await request(url, {
        method: this.cfg.method,
        headersTimeout: this.cfg.timeoutMs,
        bodyTimeout: this.cfg.timeoutMs,
      });
      status = res.statusCode;
      const header = res.headers['x-correlation-id'];
      if (typeof header === 'string') correlationId = header;
      await res.body.dump();
    } catch (err) {
      error = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    } finally {
      this.inFlight--;
    }
    d.attempts.push({
      time: new Date().toISOString(),
      sentMs,
      answeredMs: preciseNow(),
      status,
      ...(error !== undefined && { error }),
      ...(correlationId !== undefined && { correlationId }),
    });
    if (status >= 200 && status < 300) {
      d.state = 'delivered';
    } else if (d.attempts.length >= this.cfg.retry.maxAttempts || this.closed) {
      d.state = 'failed';
      this.log.warn({ notice: d.notice, attempts: d.attempts.length, status, error }, 'webhook given up');
    } else {
      const { baseDelayMs, maxDelayMs } = this.cfg.retry;
      const backoff = Math.min(maxDelayMs, baseDelayMs * 2 ** (d.attempts.length - 1));
      // Half fixed, half jitter: retries of many failed notices do not arrive in lockstep.
      this.schedule(d, backoff / 2 + (this.rng.next() * backoff) / 2);
    }
    this.checkIdle();
  }

  private checkIdle(): void {
    if (this.timers.size === 0 && this.inFlight === 0) {
      const w = this.idleWaiters;
      this.idleWaiters = [];
      for (const fn of w) fn();
    }
  }

  /** Resolves once every notice so far is delivered or given up (for tests and the load generator). */
  drain(): Promise<void> {
    if (this.timers.size === 0 && this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  list(): Delivery[] {
    return this.deliveries;
  }

  clearLog(): void {
    this.deliveries.length = 0;
  }

  close(): void {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.checkIdle();
  }
}
