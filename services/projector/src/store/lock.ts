/**
 * Serializes the projector's writes to its database. FerretDB on SQLite keeps a database in one file
 * with one writer at a time; concurrent writers from the live runner, a rebuild runner and progress
 * updates stalled each other for minutes in tests. One queue makes the order explicit instead.
 */
export class WriteLock {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.tail.then(fn, fn);
    this.tail = next.catch(() => undefined);
    return next;
  }
}
