// Group commit for an idempotent producer. kafkajs allows one request in flight per broker for an
// idempotent producer, so concurrent `send()` calls queue one behind the other, each paying a full
// acks=all round trip. Here the messages that arrive while a send is in flight ride together in the
// next one: each caller still resolves only after the broker acknowledged ITS message, but N callers
// share one round trip instead of waiting for N.

export interface GroupCommitOptions<M> {
  /** Sends one batch; resolves when the broker acknowledged all of it. */
  send: (messages: M[]) => Promise<void>;
  /** Largest batch (messages); the rest waits for the next round trip. */
  maxBatch: number;
}

interface Entry<M> {
  message: M;
  resolve: () => void;
  reject: (err: unknown) => void;
}

export interface Submission {
  done: Promise<void>;
  /**
   * Withdraws the message if it has not been handed to the producer yet (returns true; `done` then
   * never settles); once sent it
   * can no longer be taken back (false) and may still land, which is why callers that answer
   * "not stored" after a timeout must tolerate a duplicate of the same event.
   */
  withdraw: () => boolean;
}

export class GroupCommit<M> {
  private queue: Entry<M>[] = [];
  private inFlight: Entry<M>[] = [];
  private round = 0;
  private outstanding = 0;

  constructor(private readonly opts: GroupCommitOptions<M>) {}

  /** Sends not settled yet, counting those abandoned: a clean shutdown waits for them too. */
  get sendsOutstanding(): number {
    return this.outstanding;
  }

  /** Messages queued or in the batch on the wire. */
  get size(): number {
    return this.queue.length + this.inFlight.length;
  }

  submit(message: M): Submission {
    let entry!: Entry<M>;
    const done = new Promise<void>((resolve, reject) => {
      entry = { message, resolve, reject };
    });
    this.queue.push(entry);
    this.kick();
    return {
      done,
      withdraw: () => {
        const i = this.queue.indexOf(entry);
        if (i < 0) return false;
        this.queue.splice(i, 1);
        return true;
      },
    };
  }

  /**
   * Gives up on the batch in flight (its producer was replaced and its request may never settle):
   * its callers are rejected with `reason` and the queue moves on with the next send.
   */
  abandon(reason: unknown): void {
    const stuck = this.inFlight;
    this.inFlight = [];
    this.round++;
    for (const e of stuck) e.reject(reason);
    this.kick();
  }

  private kick(): void {
    if (this.inFlight.length > 0 || this.queue.length === 0) return;
    const batch = this.queue.splice(0, this.opts.maxBatch);
    this.inFlight = batch;
    const round = ++this.round;
    // An async wrapper, so that a synchronous throw of send becomes a rejection of this batch.
    const sending = (async () => this.opts.send(batch.map((e) => e.message)))();
    this.outstanding++;
    sending.then(
      () => this.settle(round, batch, undefined, true),
      (err: unknown) => this.settle(round, batch, err, false),
    );
  }

  private settle(round: number, batch: Entry<M>[], err: unknown, ok: boolean): void {
    this.outstanding--;
    if (round !== this.round) return; // abandoned: its callers were answered already
    for (const e of batch) {
      if (ok) e.resolve();
      else e.reject(err);
    }
    this.inFlight = [];
    this.kick();
  }
}
