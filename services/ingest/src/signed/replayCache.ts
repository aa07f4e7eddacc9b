import { createHash } from 'node:crypto';

// Webhook ids seen inside the tolerance window. A signed message can only pass verification until
// its timestamp + tolerance, so an id can be forgotten after that: the bound on memory is the rate
// limit times the window, and `maxEntries` caps it regardless (oldest first; the deterministic event
// id still makes a late duplicate recognizable downstream).
//
// States: `in-flight` while its produce runs (a concurrent copy is told to retry), `done` once Kafka
// acknowledged (a copy is a duplicate: answered 2xx, nothing produced). A failed produce forgets
// the id, so the sender's retry is processed normally.

export type ReplayVerdict = 'new' | 'duplicate' | 'in-flight' | 'conflict';

interface Entry {
  bodyHash: string;
  state: 'in-flight' | 'done';
  expiresAt: number;
}

export class ReplayCache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly maxEntries = 200_000) {}

  static hashBody(body: Buffer): string {
    return createHash('sha256').update(body).digest('base64');
  }

  /** Claims `key` for processing if it is new; `expiresAt` is when its signature stops being valid. */
  claim(key: string, bodyHash: string, expiresAt: number, nowMs: number): ReplayVerdict {
    this.sweep(nowMs);
    const e = this.entries.get(key);
    if (e && e.expiresAt > nowMs) {
      // The same id with another body is not a retry: a sender bug or a forged reuse.
      if (e.bodyHash !== bodyHash) return 'conflict';
      return e.state === 'done' ? 'duplicate' : 'in-flight';
    }
    this.entries.delete(key);
    this.entries.set(key, { bodyHash, state: 'in-flight', expiresAt });
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done) break;
      this.entries.delete(oldest.value);
    }
    return 'new';
  }

  complete(key: string): void {
    const e = this.entries.get(key);
    if (e) e.state = 'done';
  }

  release(key: string): void {
    const e = this.entries.get(key);
    if (e?.state === 'in-flight') this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }

  /** Entries are (roughly) in expiry order; drop expired ones from the front, a bounded amount per call. */
  private sweep(nowMs: number): void {
    let n = 0;
    for (const [k, e] of this.entries) {
      if (e.expiresAt > nowMs || n++ > 1000) break;
      this.entries.delete(k);
    }
  }
}
