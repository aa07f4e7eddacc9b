import type { Db } from 'mongodb';
import type { Logger } from '@siaghsync/shared/logger';
import type { Positioned } from '../events';
import { foldLoaded, writeDocs, type ViewWriteStats } from '../store/apply';
import { collectionName } from '../store/collections';
import type { WriteLock } from '../store/lock';
import { VIEWS } from '../views';
import type { AnyView } from '../views/types';

/** Views whose documents need no read (the audit): a build may write them as their events are read. */
export const STATELESS_VIEWS: readonly AnyView[] = VIEWS.filter((v) => v.stateless);
export const STATEFUL_VIEWS: readonly AnyView[] = VIEWS.filter((v) => !v.stateless);

/**
 * A build (a version nobody reads yet) writes the stateless views' documents batch by batch while it
 * goes on reading, instead of at its window's end: a replay's reading and decoding then overlap with
 * the largest of its writes. Its window then writes only the other views, once `settle` says every
 * batch it holds was written; after a failure it writes all of them (a document written twice is the
 * same document). Offsets are still committed only by the window, so a crash re-delivers what these
 * wrote, and a re-delivered audit document replaces itself.
 */
export class StreamedWrites {
  /** Writes one after another, so the database is never given two of these at once. */
  private chain: Promise<unknown> = Promise.resolve();
  /** The writes pushed since the last `settle`. */
  private account = newAccount();

  constructor(
    private readonly d: {
      db: Db;
      version: number;
      lock: WriteLock;
      logger: Logger;
      /** A stopped runner (or a test's simulated crash) writes nothing more: its window is re-delivered. */
      stopped: () => boolean;
    },
    private readonly views: readonly AnyView[] = STATELESS_VIEWS,
  ) {}

  /** Starts writing a decoded batch's stateless documents behind the ones pushed before it. */
  push(batch: readonly Positioned[]): void {
    if (batch.length === 0) return;
    const account = this.account;
    const write = this.chain.then(() => this.write(batch, account));
    this.chain = write.catch(() => undefined);
    const ok = write.then(
      () => true,
      (err: unknown) => {
        this.d.logger.warn(
          { err, version: this.d.version },
          'streamed audit write failed: its window writes it instead',
        );
        return false;
      },
    );
    const before = account.ok;
    account.ok = Promise.all([before, ok]).then(([a, b]) => a && b);
  }

  /**
   * Waits for the writes of every batch pushed so far and starts a new account: `ok` when all of them
   * succeeded, so the window taken with those batches may leave the stateless views out.
   */
  async settle(): Promise<Settled> {
    const account = this.account;
    this.account = newAccount();
    return { ok: await account.ok, written: account.written, views: account.views };
  }

  private async write(batch: readonly Positioned[], account: Account): Promise<void> {
    const { db, version, lock } = this.d;
    for (const view of this.views) {
      const { docs } = foldLoaded(view, batch, { stored: new Map() });
      if (docs.length === 0) continue;
      if (this.d.stopped()) throw new Error('streamed write after the runner stopped');
      const started = performance.now();
      // Blind inserts; only a re-delivered document exists already, and is replaced in place: a journaled
      // replace here could meet the window's own journal redo. (A re-delivered document can still meet
      // that redo's delete and insert of the same id: the window then fails once and is retried.)
      const n = await writeDocs(db, version, collectionName(view.name, version), docs, new Set(), {
        lock,
        replaceBy: 'update',
      });
      const v = (account.views[view.name] ??= { inserted: 0, replaced: 0, ms: 0 });
      v.inserted += n.inserted;
      v.replaced += n.replaced;
      v.ms += performance.now() - started;
      account.written += docs.length;
    }
  }
}

export interface Settled {
  ok: boolean;
  written: number;
  views: Record<string, ViewWriteStats>;
}

interface Account {
  ok: Promise<boolean>;
  written: number;
  views: Record<string, ViewWriteStats>;
}

const newAccount = (): Account => ({ ok: Promise.resolve(true), written: 0, views: {} });
