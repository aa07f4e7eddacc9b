// How a service reads records with its mapping: which CRM path and which Siagh field hold each field.
// The poller observes records with it (snapshots, checksums, the customer number that routes an event)
// and the syncer reads and writes with it; two services reading one record differently route a change
// to the wrong customer or see edits that are none. The poller announces its reading on the compacted
// `control` topic (key `mapping:poller`); a syncer that reads differently holds its writes until they
// agree (services/syncer/src/kafka/mappingGuard.ts). Policies and directions are the syncer's alone and
// are not part of it. A notice holds every write, so it is signed like a pause flag (OPERATOR_EVENT_KEY,
// header MAPPING_SIGNATURE_HEADER): write access to the topic alone can neither hold the writes nor
// hide a real difference.

import { z } from 'zod';
import { signCanonical, verifyCanonical, type SignatureVerdict } from '../operator/signature';
import { stableStringify } from './canonical';
import { MAPPED_FIELDS, type MappedField, type SyncConfig } from './syncConfig';

export const MAPPING_KEY_PREFIX = 'mapping:';

/** Per mapped field: [CRM path, Siagh field], null where that side does not carry it. */
export type MappingReading = Record<MappedField, [string | null, string | null]>;

export function mappingReading(config: SyncConfig): MappingReading {
  return Object.fromEntries(
    MAPPED_FIELDS.map((f) => [f, [config.fields[f].crm, config.fields[f].siagh]]),
  ) as MappingReading;
}

const side = z.string().max(200).nullable();

export const mappingNoticeSchema = z
  .object({
    service: z.enum(['poller']),
    instance: z.string().max(200),
    /** Where it read the mapping from (SYNC_CONFIG_PATH, or the default file), for the operator. */
    source: z.string().max(1000).nullable(),
    reading: z.record(z.string().max(100), z.tuple([side, side])),
    at: z.number().int().nonnegative(),
  })
  .strict();

export type MappingNotice = z.infer<typeof mappingNoticeSchema>;

export const mappingKey = (service: MappingNotice['service']): string => `${MAPPING_KEY_PREFIX}${service}`;

export function encodeMappingNotice(n: MappingNotice): Buffer {
  return Buffer.from(JSON.stringify(mappingNoticeSchema.parse(n)), 'utf8');
}

/** The notice a record carries, or null when it is not one. */
export function decodeMappingNotice(value: Buffer | null): MappingNotice | null {
  if (!value) return null;
  try {
    const parsed = mappingNoticeSchema.safeParse(JSON.parse(value.toString('utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export const MAPPING_SIGNATURE_HEADER = 'x-siaghsync-mapping-signature';
const DOMAIN = 'siaghsync-mapping-notice.v1\n';
const canonical = (n: MappingNotice): string => DOMAIN + stableStringify(n);

export const signMappingNotice = (n: MappingNotice, key: string): string => signCanonical(canonical(n), key);

export function verifyMappingNotice(
  n: MappingNotice,
  header: string | Buffer | (string | Buffer)[] | undefined,
  key: string | undefined,
): SignatureVerdict {
  return verifyCanonical(canonical(n), header, key);
}

const show = (v: string | null) => (v === null ? 'nothing' : v);

/**
 * Every field the two readings take from different places, in words ("email: crm emails[0] here,
 * email there"). Empty when they agree. A field one reading lacks (another release) counts as different.
 */
export function readingDifferences(
  mine: Record<string, [string | null, string | null]>,
  theirs: Record<string, [string | null, string | null]>,
): string[] {
  const fields = [...new Set([...Object.keys(mine), ...Object.keys(theirs)])].sort();
  const out: string[] = [];
  for (const f of fields) {
    const a = mine[f];
    const b = theirs[f];
    if (!a || !b) {
      out.push(`${f}: ${a ? 'not mapped there' : 'not mapped here'}`);
      continue;
    }
    for (const [i, name] of ['crm', 'siagh'].entries())
      if (a[i] !== b[i]) out.push(`${f}: ${name} ${show(a[i] ?? null)} here, ${show(b[i] ?? null)} there`);
  }
  return out;
}
