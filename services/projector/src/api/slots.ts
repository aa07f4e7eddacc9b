/**
 * At most `max` holders at once; a caller that finds none free is told so at once (the API answers
 * 429) rather than queued, so a burst of exports cannot pile up cursors and memory.
 */
export class Slots {
  private used = 0;
  constructor(
    readonly max: number,
    private readonly onChange: (used: number) => void = () => undefined,
  ) {}

  get inUse(): number {
    return this.used;
  }

  /** A release function (idempotent), or null when every slot is taken. */
  take(): (() => void) | null {
    if (this.used >= this.max) return null;
    this.used++;
    this.onChange(this.used);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.used--;
      this.onChange(this.used);
    };
  }
}
