/**
 * Serializes the projector's writes to its database. FerretDB on SQLite keeps a database in one file
 * with one writer at a time; concurrent writers from the live runner, a rebuild runner and progress
 * updates stalled each other for minutes in tests. One queue makes the order explicit instead.
 *
 * `guard` runs right before each write is issued (the lease check): a write whose turn comes after
 * the lease was lost fails instead of landing.
 */
export class WriteLock {
  private tail: Promise<unknown> = Promise.resolve();

  constructor(private readonly guard: () => void = () => undefined) {}

  run<T>(fn: () => Promise<T>): Promise<T> {
    const guarded = () => {
      this.guard();
      return fn();
    };
    const next = this.tail.then(guarded, guarded);
    this.tail = next.catch(() => undefined);
    return next;
  }
}
