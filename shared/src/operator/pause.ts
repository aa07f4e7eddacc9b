import { z } from 'zod';
import { stableStringify } from '../mapping/canonical';
import { signCanonical, verifyCanonical, type SignatureVerdict } from './signature';

// Pause: an operator stops the syncer's writes (a fiscal-year close, one system's maintenance window, a
// customer under investigation) without stopping the pipeline. Events keep being consumed; an entity
// whose next write is paused waits, in order, and is taken up again on resume. The flags live in the
// compacted `control` topic, one record per scope (its latest says paused or not), so a pause outlasts
// restarts and every syncer member sees the same flags. They are signed like operator events
// (signature.ts): write access to the topic alone cannot stop, or restart, the writes.

export const PAUSE_SIGNATURE_HEADER = 'x-siaghsync-operator-signature';
/** The reason code of an outcome that waits on a pause (the audit, the pending list). */
export const PAUSED = 'PAUSED';
const DOMAIN = 'siaghsync-pause.v1\n';

/** `all`, one side's writes (`crm`, `siagh`), or one customer (`customer:<n>`, its customer number). */
export type PauseScope = 'all' | 'crm' | 'siagh' | `customer:${number}`;

export const pauseScopeSchema = z
  .string()
  .regex(/^(all|crm|siagh|customer:[1-9][0-9]{0,17})$/, 'all, crm, siagh or customer:<number>')
  .transform((s) => s as PauseScope);

export const pauseFlagSchema = z
  .object({
    scope: pauseScopeSchema,
    paused: z.boolean(),
    reason: z.string().max(500).nullable(),
    by: z.string().max(200).nullable(),
    at: z.number().int().nonnegative(),
  })
  .strict();

export type PauseFlag = z.infer<typeof pauseFlagSchema>;

const canonical = (f: PauseFlag): string =>
  DOMAIN + stableStringify({ scope: f.scope, paused: f.paused, reason: f.reason, by: f.by, at: f.at });

export function encodePauseFlag(f: PauseFlag): Buffer {
  return Buffer.from(JSON.stringify(pauseFlagSchema.parse(f)), 'utf8');
}

/** The flag a record carries, or null when it is not one (bad JSON, unknown scope, extra fields). */
export function decodePauseFlag(value: Buffer | null): PauseFlag | null {
  if (!value) return null;
  try {
    const parsed = pauseFlagSchema.safeParse(JSON.parse(value.toString('utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export const signPauseFlag = (f: PauseFlag, key: string): string => signCanonical(canonical(f), key);

export function verifyPauseFlag(
  f: PauseFlag,
  header: string | Buffer | (string | Buffer)[] | undefined,
  key: string | undefined,
): SignatureVerdict {
  return verifyCanonical(canonical(f), header, key);
}

/**
 * The pause that stops a write to `side` for this entity, if any: a pause of everything, of that side, or
 * of one of the customers the entity belongs to (`customerKeys`: the canonical keys `customer:<n>` of
 * the customer, or of a quote's customer). Without `side`: whether anything stops the entity's writes
 * whatever their side (all, or the customer), which is checked before any read.
 */
export function pauseOf(
  flags: ReadonlyMap<string, PauseFlag>,
  customerKeys: readonly string[],
  side?: 'crm' | 'siagh',
): PauseFlag | undefined {
  const held = (scope: string) => {
    const f = flags.get(scope);
    return f?.paused ? f : undefined;
  };
  for (const scope of ['all', ...customerKeys, ...(side ? [side] : [])]) {
    const f = held(scope);
    if (f) return f;
  }
  return undefined;
}

/** The scopes paused now, oldest first. */
export function activePauses(flags: ReadonlyMap<string, PauseFlag>): PauseFlag[] {
  return [...flags.values()].filter((f) => f.paused).sort((a, b) => a.at - b.at);
}

/** How a pause reads in an outcome, a log line or `syncctl status`. */
/** Who holds the writes while the poller and the syncer read the mapping differently (mapping/reading.ts). */
export const MAPPING_CHECK = 'siaghsync mapping check';

/** What lifts a pause: the operator's resume, or, for the mapping check's, the two reading alike. */
export function howToLift(f: PauseFlag): string {
  if (f.by === MAPPING_CHECK) return 'lifts itself once the poller and the syncer read the mapping alike';
  const where =
    f.scope === 'all'
      ? ''
      : f.scope === 'crm' || f.scope === 'siagh'
        ? ` --side ${f.scope}`
        : ` ${f.scope.slice('customer:'.length)}`;
  return `syncctl resume${where}`;
}

export function describePause(f: PauseFlag): string {
  const what =
    f.scope === 'all' ? 'all writes' : f.scope.startsWith('customer:') ? f.scope : `writes to ${f.scope}`;
  return `${what} paused${f.by ? ` by ${f.by}` : ''} since ${new Date(f.at).toISOString()}${f.reason ? `: ${f.reason}` : ''}`;
}
