// The write journal: every create, update and delete of a customer record, whoever made it, accepted or
// refused. The HTTP call log (recorder.ts) shows what was sent; this shows what each call did to which
// customer, so an oracle can count creates per customer number and tell a write that changed nothing.
// Writes through the API the pipeline uses are `api`; the simulated UI user (admin routes, a test or
// workload calling the store) is `ui`; records loaded at start are `seed`.

export type WriteOrigin = 'api' | 'ui' | 'seed';
export type WriteOp = 'create' | 'update' | 'delete';

export interface WriteEntry {
  seq: number;
  /** Wall time in the test process (not the simulated system's skewed clock). */
  timeMs: number;
  origin: WriteOrigin;
  op: WriteOp;
  /**
   * The customer number as the record holds it after the write (CRM `customerNumber`, Siagh `tmpid`),
   * or as the refused call asked for it; null when neither carries one. Raw: the mapping interprets it.
   */
  customerNo: string | null;
  /** CRM crmId / Siagh Code; null when a create was refused. */
  recordId: string | null;
  outcome: 'ok' | 'refused';
  reason?: string;
  /** What the call asked to write (empty for seeds and deletes). */
  fields: Record<string, unknown>;
  /** Properties whose stored value the write changed; [] for an accepted write that changed nothing. */
  changed: string[];
}

export interface WriteFilter {
  origin?: WriteOrigin;
  op?: WriteOp;
  customerNo?: string;
  since?: number;
}

export class WriteJournal {
  private entries: WriteEntry[] = [];
  private seq = 0;
  private current: Exclude<WriteOrigin, 'seed'> = 'ui';
  /** Entries dropped at the bound: an oracle must not judge a journal that lost its beginning. */
  dropped = 0;

  constructor(private readonly maxEntries = 2_000_000) {}

  /** The origin of writes made now: `ui` unless inside as(). */
  get origin(): Exclude<WriteOrigin, 'seed'> {
    return this.current;
  }

  /** Runs a synchronous store call as `origin` (the API routes wrap their store calls in it). */
  as<T>(origin: Exclude<WriteOrigin, 'seed'>, fn: () => T): T {
    const before = this.current;
    this.current = origin;
    try {
      return fn();
    } finally {
      this.current = before;
    }
  }

  record(e: Omit<WriteEntry, 'seq' | 'timeMs' | 'origin'> & { origin?: WriteOrigin }): WriteEntry {
    const entry: WriteEntry = { seq: ++this.seq, timeMs: Date.now(), ...e, origin: e.origin ?? this.current };
    this.entries.push(entry);
    if (this.entries.length > this.maxEntries) {
      const over = this.entries.length - this.maxEntries;
      this.entries.splice(0, over);
      this.dropped += over;
    }
    return entry;
  }

  list(f: WriteFilter = {}): WriteEntry[] {
    return this.entries.filter(
      (e) =>
        (f.origin === undefined || e.origin === f.origin) &&
        (f.op === undefined || e.op === f.op) &&
        (f.customerNo === undefined || e.customerNo === f.customerNo) &&
        (f.since === undefined || e.seq > f.since),
    );
  }

  reset(): void {
    this.entries = [];
    this.dropped = 0;
  }
}

/** The properties whose value differs between two versions of a record (deep, by JSON). */
export function changedKeys(
  before: object | undefined,
  after: object,
  ignore: readonly string[] = [],
): string[] {
  const a = (before ?? {}) as Record<string, unknown>;
  const b = after as Record<string, unknown>;
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].filter((k) => !ignore.includes(k) && JSON.stringify(a[k]) !== JSON.stringify(b[k]));
}
