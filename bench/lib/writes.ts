// Watches the Siagh simulator's call log for the target writes of the benchmark's CRM edits. Each edit
// sets a unique e-mail address (a token), so the first Siagh call whose body carries that token is the
// write that edit caused, and its arrival time (the simulator's sub-millisecond clock) ends the timing.

import { preciseNow } from '../../simulators/common/recorder';

interface Call {
  seq: number;
  preciseTimeMs: number;
  body: unknown;
  /** 0 while the call is still being answered (its body is recorded only then). */
  status: number;
}

const TOKEN = /bench\.([a-z])(\d+)@example\.ir/g;

/** The unique address of edit `k` of phase `tag` (one lower-case letter). */
export const tokenOf = (tag: string, k: number): string => `bench.${tag}${k}@example.ir`;

/** Now on the same clock as the simulators' recorded times. */
export const now = preciseNow;

export class WriteWatcher {
  /** `${tag}${k}` -> arrival time of the first Siagh call carrying the token. */
  readonly firstWrite = new Map<string, number>();
  private since = 0;
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<void> = Promise.resolve();

  constructor(private readonly siaghUrl: string) {}

  start(everyMs = 200): void {
    this.timer = setInterval(() => {
      this.polling = this.polling.then(() => this.poll()).catch(() => undefined);
    }, everyMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.polling;
    await this.poll();
  }

  count(tag: string): number {
    let n = 0;
    for (const key of this.firstWrite.keys()) if (key.startsWith(tag)) n++;
    return n;
  }

  private async poll(): Promise<void> {
    const res = await fetch(`${this.siaghUrl}/_sim/calls?since=${this.since}`, {
      signal: AbortSignal.timeout(10_000),
    });
    if (!res.ok) throw new Error(`Siagh simulator calls: HTTP ${res.status}`);
    const calls = (await res.json()) as Call[];
    // A call still in progress is read again next time; one unanswered for 10 s was reset, not slow.
    let pending: number | undefined;
    for (const c of calls) {
      if (c.status === 0 && c.preciseTimeMs > now() - 10_000) pending ??= c.seq;
      if (pending === undefined) this.since = c.seq;
      if (c.body === null) continue;
      for (const m of JSON.stringify(c.body).matchAll(TOKEN)) {
        const key = `${m[1]}${m[2]}`;
        if (!this.firstWrite.has(key)) this.firstWrite.set(key, c.preciseTimeMs);
      }
    }
  }
}

export interface Delivery {
  notice: { id: string };
  attempts: { sentMs: number; answeredMs: number; status: number }[];
}

/** A webhook notice's first attempt: sent by the CRM, answered by ingest (accepted once in Kafka). */
export interface Sent {
  sentMs: number;
  answeredMs: number;
}

/**
 * The webhook of an edit made at `editMs` on record `id`: the first notice about that record sent at
 * or after the edit (one record's edits are seconds apart, far more than the pipeline's latency, so
 * no later notice can be taken for it).
 */
export function webhookOf(byId: Map<string, Sent[]>, id: string, editMs: number): Sent | undefined {
  return byId.get(id)?.find((s) => s.sentMs >= editMs);
}

export function sentById(deliveries: readonly Delivery[]): Map<string, Sent[]> {
  const byId = new Map<string, Sent[]>();
  for (const d of deliveries) {
    const first = d.attempts[0];
    if (first === undefined) continue;
    const list = byId.get(d.notice.id) ?? [];
    list.push({ sentMs: first.sentMs, answeredMs: first.answeredMs });
    byId.set(d.notice.id, list);
  }
  for (const list of byId.values()) list.sort((a, b) => a.sentMs - b.sentMs);
  return byId;
}
