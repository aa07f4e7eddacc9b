import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { MongoServerError, type Db } from 'mongodb';
import type { Logger } from '@siaghsync/shared/logger';
import { metaCollection } from './collections';

const LEASE_ID = 'lease' as never;
const DUPLICATE_KEY = 11000;

export class LeaseLost extends Error {
  constructor(owner: string) {
    super(`projector lease not held by ${owner}: another instance writes the views`);
    this.name = 'LeaseLost';
  }
}

/**
 * One writer of the views per database, however many projector processes run: the writer holds a
 * lease document in projector_meta (owner, expiresAt), renews it every third of its length, and
 * checks it before every write command (WriteLock's guard). Another instance takes the lease only
 * once it has expired, so a killed writer is replaced after at most `ttlMs`.
 *
 * Time-based, without fencing in the database: it assumes clocks agree within `marginMs` and that a
 * write issued before the local deadline lands before the lease expires for the others (a process
 * frozen between its check and its write for longer than the margin could still write once).
 */
export class Lease {
  readonly owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private validUntil = 0;
  private readonly marginMs: number;

  constructor(
    private readonly db: Db,
    readonly ttlMs: number,
    private readonly logger: Logger,
  ) {
    this.marginMs = Math.max(1000, Math.floor(ttlMs / 5));
  }

  held(now = Date.now()): boolean {
    return now < this.validUntil;
  }

  assertHeld(): void {
    if (!this.held()) throw new LeaseLost(this.owner);
  }

  /** Takes the lease if it is free or expired, or extends it if ours; false when another instance holds it. */
  async acquire(): Promise<boolean> {
    const meta = metaCollection(this.db);
    const sentAt = Date.now();
    const set = { $set: { owner: this.owner, expiresAt: sentAt + this.ttlMs, renewedAt: sentAt } };
    const taken = await meta.updateOne(
      { _id: LEASE_ID, $or: [{ owner: this.owner }, { expiresAt: { $lt: sentAt } }] },
      set,
    );
    if (taken.matchedCount === 0) {
      try {
        await meta.insertOne({ _id: LEASE_ID, ...set.$set });
      } catch (err) {
        if (err instanceof MongoServerError && err.code === DUPLICATE_KEY) {
          this.validUntil = 0;
          return false;
        }
        throw err;
      }
    }
    this.validUntil = sentAt + this.ttlMs - this.marginMs;
    return true;
  }

  /** Renews; false (and the lease is no longer held) when it was lost or could not be renewed in time. */
  async renew(): Promise<boolean> {
    try {
      return await this.acquire();
    } catch (err) {
      this.logger.warn({ err, owner: this.owner }, 'projector lease renewal failed');
      return this.held();
    }
  }

  /** Lets another instance take over at once (a graceful stop). */
  async release(): Promise<void> {
    this.validUntil = 0;
    await metaCollection(this.db)
      .updateOne({ _id: LEASE_ID, owner: this.owner }, { $set: { expiresAt: 0 } })
      .catch((err: unknown) =>
        this.logger.warn({ err }, 'projector lease not released; it expires by itself'),
      );
  }
}
