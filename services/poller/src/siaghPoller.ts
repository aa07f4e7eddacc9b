// Siagh: no webhooks, no modification time, no paging. Each sweep snapshots GetAll and diffs per-record
// side checksums against the tracked state. A cheap hash of each raw record spares the mapping and the
// sha256 of the ~99% unchanged since the last sweep. sourceTime is null: Siagh gives no time of change,
// and the observation time (observedTime) is all we know; the syncer must not treat it as an edit time.

import type { SiaghClient } from '@siaghsync/shared/siagh/client';
import type { SiaghContact } from '@siaghsync/shared/siagh/schemas';
import { MAPPED_FIELDS, type SyncConfig } from '@siaghsync/shared/mapping/syncConfig';
import type { CanonicalCustomer } from '@siaghsync/shared/mapping/canonical';
import { siaghToCanonical } from '@siaghsync/shared/mapping/siagh';
import { sideChecksum } from '@siaghsync/shared/mapping/sides';
import { hash52, type Hash52 } from './diff';
import { rawHash52 } from './rawHash';
import { RawHashes, RawMemo } from './rawMemo';
import type { Observed, SourceTracker, SweepOutcome } from './tracker';

export interface Observation {
  hashes: Map<string, Hash52>;
  /** Raw hash of every record seen: what the next sweep compares with, once this one is committed. */
  raw: RawHashes;
  /** How many records were mapped and checksummed in full (new, changed, or nothing known). */
  recomputed: number;
  details: (id: string) => Observed | undefined;
}

/** A hash of each mapped field's canonical value, in MAPPED_FIELDS order. */
function fieldHashes(canonical: CanonicalCustomer, out: Uint32Array, at: number): void {
  for (let f = 0; f < MAPPED_FIELDS.length; f++) {
    out[at + f] = rawHash52({ v: canonical[MAPPED_FIELDS[f]!] }) >>> 0;
  }
}

/**
 * The mapped fields whose value changed between two sweeps, for the syncer's first link of a pair
 * (decide.ts firstLinkTimes): an edit's evidence of time belongs to the fields it changed, not to every
 * field the two systems disagree on.
 */
function changedFields(before: Uint32Array, after: Uint32Array, at: number): string {
  const out: string[] = [];
  for (let f = 0; f < MAPPED_FIELDS.length; f++) if (before[f] !== after[at + f]) out.push(MAPPED_FIELDS[f]!);
  return out.join(',');
}

/**
 * What the last committed sweep saw: each record's raw hash, beside the tracked side-checksum hashes that
 * sweep left. A record whose raw hash is unchanged has an unchanged side checksum (a pure function of the
 * raw record and the config), so it keeps its tracked hash without being mapped again.
 */
export interface KnownRaw {
  raw: RawHashes;
  tracked: ReadonlyMap<string, Hash52>;
}

export function observeSiaghContact(contact: SiaghContact, config: SyncConfig): Observed {
  const canonical = siaghToCanonical(contact, config);
  return {
    checksum: sideChecksum(canonical, config, 'siagh'),
    naturalKey: canonical.customerNumber === null ? null : String(canonical.customerNumber),
    sourceTime: null,
    snapshot: JSON.stringify(contact),
    attributes: { kind: canonical.kind },
  };
}

/**
 * Hashes every contact, in full only where the raw hash says it may have changed; details are rebuilt on
 * demand for the few that changed (no second copy kept).
 */
export function observeSiagh(
  contacts: readonly SiaghContact[],
  config: SyncConfig,
  known?: KnownRaw,
): Observation {
  const hashes = new Map<string, Hash52>();
  const codes = new Float64Array(contacts.length);
  const raws = new Float64Array(contacts.length);
  const width = MAPPED_FIELDS.length;
  const fields = new Uint32Array(contacts.length * width);
  const mapped = new Map<string, SiaghContact>();
  const edited = new Map<string, string>();
  for (let i = 0; i < contacts.length; i++) {
    const c = contacts[i]!;
    const id = String(c.Code);
    const code = Number(c.Code);
    const r = rawHash52(c);
    codes[i] = code;
    raws[i] = r;
    const at = known === undefined ? -1 : known.raw.positionOf(i, code);
    const before = known?.raw.fieldsAt(at);
    const kept = at >= 0 && known!.raw.hashes[at] === r ? known!.tracked.get(id) : undefined;
    if (kept !== undefined && before !== undefined) {
      hashes.set(id, kept);
      fields.set(before, i * width);
      continue;
    }
    mapped.set(id, c);
    const canonical = siaghToCanonical(c, config);
    fieldHashes(canonical, fields, i * width);
    if (before !== undefined) edited.set(id, changedFields(before, fields, i * width));
    hashes.set(id, hash52(sideChecksum(canonical, config, 'siagh')));
  }
  // A Code listed twice (never seen from GetAll): the last one counts in `hashes`, but a position cannot
  // tell which was last, so such a sweep neither uses raw hashes nor leaves any.
  const twice = hashes.size !== contacts.length;
  if (twice && known !== undefined) return observeSiagh(contacts, config);
  return {
    hashes,
    raw: twice ? RawHashes.none : new RawHashes(codes, raws, fields, width),
    recomputed: mapped.size,
    details: (id) => {
      // Only a record mapped this sweep can differ from its tracked hash; the scan is a guard, not a path.
      const c = mapped.get(id) ?? contacts.find((x) => String(x.Code) === id);
      if (!c) return undefined;
      const o = observeSiaghContact(c, config);
      const changed = edited.get(id);
      return changed === undefined ? o : { ...o, attributes: { ...o.attributes, changedFields: changed } };
    },
  };
}

/** One sweep. A failed GetAll throws before anything is committed (the loop backs off and retries). */
export async function sweepSiagh(
  client: SiaghClient,
  config: SyncConfig,
  tracker: SourceTracker,
  correlationId: string,
  /**
   * How long the GetAll's exchange took (request sent to answer received): its cost to the server,
   * with the transfer but without our parsing, which a busy machine would stretch and Siagh does not pay.
   */
  onGetAll?: (ms: number) => void,
  /** Kept by the caller across sweeps; without one every sweep maps every record in full. */
  memo: RawMemo = new RawMemo(),
): Promise<SweepOutcome & { seen: number }> {
  const readAt = Date.now();
  const readStartedAt = String(readAt);
  const contacts = await client.getAllContacts(onGetAll);
  const obs = observeSiagh(contacts, config, memo.known(tracker));
  const out = await tracker.commitSweep({
    hashes: obs.hashes,
    // When the read began: the syncer may take a snapshot as the read of a bulk event (reads/freshness.ts).
    details: (id) => {
      const o = obs.details(id);
      return o && { ...o, attributes: { ...o.attributes, readStartedAt } };
    },
    complete: true,
    readStartedAt: readAt,
    correlationId,
  });
  memo.committed(tracker, obs.raw);
  return { ...out, seen: contacts.length };
}
