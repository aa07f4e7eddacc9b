// What the calls a client made say about its target system: when it last answered as it should, when
// it last failed and why. Kept by HttpClient from the calls the pipeline makes anyway, so a service's
// /ready reports the CRM and Siagh without sending them one request more (both are rate-limited).

/** The /ready view of one target system. `ok` is null while no call has been made yet. */
export interface SystemHealthSnapshot {
  ok: boolean | null;
  /** Epoch ms of the last call the system answered (2xx, or a refusal of the request itself). */
  lastOkAt: number | null;
  /** Epoch ms of the last call that failed: nothing answered, a timeout, 5xx, 401/403. */
  lastErrorAt: number | null;
  /** That failure's message (never a credential: messages name the path and the system's own text). */
  lastError: string | null;
}

const MAX_MESSAGE = 300;

/**
 * Statuses that say the system is not usable for us: it is failing (5xx, 408) or refuses our
 * credentials (401, 403). A 404 or a 400 is the system answering about one request, and a 429 is it
 * pacing us: neither says it is down.
 */
export function statusIsFailure(status: number): boolean {
  return status >= 500 || status === 401 || status === 403 || status === 408;
}

export class SystemHealth {
  private lastOkAt: number | null = null;
  private lastErrorAt: number | null = null;
  private lastError: string | null = null;

  constructor(private readonly now: () => number = Date.now) {}

  /** The system answered a call (any status that is not a failure by statusIsFailure). */
  answered(): void {
    this.lastOkAt = this.now();
  }

  failed(message: string): void {
    this.lastErrorAt = this.now();
    this.lastError = message.length > MAX_MESSAGE ? `${message.slice(0, MAX_MESSAGE)}…` : message;
  }

  /** ok: the latest of the two outcomes was an answer (a failure at the same millisecond wins). */
  snapshot(): SystemHealthSnapshot {
    const ok =
      this.lastOkAt === null && this.lastErrorAt === null
        ? null
        : this.lastErrorAt === null || (this.lastOkAt !== null && this.lastOkAt > this.lastErrorAt);
    return { ok, lastOkAt: this.lastOkAt, lastErrorAt: this.lastErrorAt, lastError: this.lastError };
  }
}
