// `syncctl backfill --dry-run`'s decisions (issue #21 item 3), pure: given every record read from both
// systems (already mapped to canonical records by the syncer's own mapping), what the import would do.
// Pairs are made by customer number as the syncer's first link makes them (fetch.ts: on a side with two
// records for one number, Siagh's lowest Code; the CRM's first listed), and each pair or lone record is
// decided by the syncer's own decide() from an empty entity state: no policy is re-implemented here.

import {
  MAPPED_FIELDS,
  type MappedField,
  type Side,
  type SyncConfig,
} from '@siaghsync/shared/mapping/syncConfig';
import type { WorkEvent } from '@siaghsync/shared/events';
import { decide } from '../../services/syncer/src/decide/decide';
import { initialState } from '../../services/syncer/src/decide/state';
import type { SideRecord } from '../../services/syncer/src/decide/types';
import type { ImportResult } from '../../services/projector/src/views/sync_audit/imports';

export interface FieldDifference {
  field: MappedField;
  crm: unknown;
  siagh: unknown;
  /** conflict-open: parked for a person (manual); auto-resolved: a conflict the policy settles; not-synced: direction none. */
  outcome: 'conflict-open' | 'auto-resolved' | 'not-synced';
  policy: string | null;
  winner: Side | null;
  reason: string | null;
}

export interface DifferingPair {
  customerNumber: number;
  crmId: string;
  siaghId: string;
  fields: FieldDifference[];
}

export interface Collision {
  side: Side;
  customerNumber: number;
  ids: string[];
  /** The record the import links (the others are left out of the link). */
  linked: string;
}

export interface PlannedCreate {
  /** Where the record would be created. */
  side: Side;
  fromId: string;
  customerNumber: number | null;
  name: string;
}

/** What an import does to pairs and lone records: predicted here, read back after it (sync_audit/imports.ts). */
export type ImportCounts = Pick<
  ImportResult,
  | 'pairs'
  | 'pairsIdentical'
  | 'pairsDiffering'
  | 'differingFields'
  | 'creates'
  | 'notCreated'
  | 'conflictsOpen'
  | 'conflictsAutoResolved'
  | 'updates'
> & { read: Record<Side, number>; collisions: Record<Side, number> };

export interface ImportPreview {
  counts: ImportCounts;
  differing: DifferingPair[];
  creates: PlannedCreate[];
  notCreated: { side: Side; fromId: string; customerNumber: number | null; note: string }[];
  collisions: Collision[];
}

const importEvent = (canonicalKey: string, source: Side, rec: SideRecord, now: number): WorkEvent => ({
  canonicalKey,
  kind: 'change',
  routeReason: 'natural-key',
  routedAt: now,
  correlationId: 'import-preview',
  change: {
    eventId: `preview:${source}:${rec.id}`,
    source,
    entityType: 'customer',
    sourceId: rec.id,
    operation: 'upsert',
    sourceTime: rec.time,
    observedTime: now,
    trigger: 'backfill',
    correlationId: 'import-preview',
    naturalKey: rec.record.customerNumber === null ? null : String(rec.record.customerNumber),
    checksum: null,
    snapshot: null,
    attributes: {},
  },
  resolution: null,
  redriveOf: null,
});

function byNumber(records: readonly SideRecord[]): {
  numbered: Map<number, SideRecord[]>;
  none: SideRecord[];
} {
  const numbered = new Map<number, SideRecord[]>();
  const none: SideRecord[] = [];
  for (const r of records) {
    const n = r.record.customerNumber;
    if (n === null) none.push(r);
    else numbered.set(n, [...(numbered.get(n) ?? []), r]);
  }
  return { numbered, none };
}

/** The record the syncer's first link would find for a number (fetch.ts, reads/bulkFetch.ts). */
function chosen(side: Side, hits: readonly SideRecord[]): SideRecord {
  return side === 'siagh' ? [...hits].sort((a, b) => Number(a.id) - Number(b.id))[0]! : hits[0]!;
}

export function previewImport(input: {
  crm: readonly SideRecord[];
  siagh: readonly SideRecord[];
  config: SyncConfig;
  now: number;
}): ImportPreview {
  const { config, now } = input;
  const p: ImportPreview = {
    counts: {
      read: { crm: input.crm.length, siagh: input.siagh.length },
      pairs: 0,
      pairsIdentical: 0,
      pairsDiffering: 0,
      differingFields: 0,
      creates: { crm: 0, siagh: 0 },
      notCreated: 0,
      collisions: { crm: 0, siagh: 0 },
      conflictsOpen: 0,
      conflictsAutoResolved: 0,
      updates: { crm: 0, siagh: 0 },
    },
    differing: [],
    creates: [],
    notCreated: [],
    collisions: [],
  };
  const sides = { crm: byNumber(input.crm), siagh: byNumber(input.siagh) };
  const numbers = [...new Set([...sides.crm.numbered.keys(), ...sides.siagh.numbered.keys()])].sort(
    (a, b) => a - b,
  );
  const lone = (side: Side, rec: SideRecord, key: string) => {
    const d = decide({
      state: initialState(key),
      event: importEvent(key, side, rec, now),
      fetched: side === 'crm' ? { crm: rec, siagh: null } : { crm: null, siagh: rec },
      config,
      now,
    });
    const create = d.writes.find((w) => w.op === 'create');
    const n = rec.record.customerNumber;
    if (create) {
      p.counts.creates[create.side]++;
      p.creates.push({ side: create.side, fromId: rec.id, customerNumber: n, name: rec.record.name });
    } else {
      p.counts.notCreated++;
      p.notCreated.push({
        side,
        fromId: rec.id,
        customerNumber: n,
        note: d.outcome.note ?? d.outcome.status,
      });
    }
  };
  for (const n of numbers) {
    const key = `customer:${n}`;
    const hits = { crm: sides.crm.numbered.get(n) ?? [], siagh: sides.siagh.numbered.get(n) ?? [] };
    const pick: Partial<Record<Side, SideRecord>> = {};
    for (const side of ['crm', 'siagh'] as const) {
      if (hits[side].length === 0) continue;
      pick[side] = chosen(side, hits[side]);
      if (hits[side].length > 1) {
        p.counts.collisions[side]++;
        p.collisions.push({
          side,
          customerNumber: n,
          ids: hits[side].map((r) => r.id),
          linked: pick[side].id,
        });
      }
    }
    const { crm, siagh } = pick;
    if (!crm || !siagh) {
      lone(crm ? 'crm' : 'siagh', (crm ?? siagh)!, key);
      continue;
    }
    p.counts.pairs++;
    const d = decide({
      state: initialState(key),
      event: importEvent(key, 'crm', crm, now),
      fetched: { crm, siagh },
      config,
      now,
    });
    for (const w of d.writes) if (w.op === 'update') p.counts.updates[w.side]++;
    // The comparison the syncer's first link makes (decide.ts firstLinkTimes, merge.ts): normalized
    // canonical values of the fields both sides carry.
    const fields: FieldDifference[] = [];
    for (const f of MAPPED_FIELDS) {
      const rule = config.fields[f];
      if (rule.crm === null || rule.siagh === null || crm.record[f] === siagh.record[f]) continue;
      const c = d.conflicts.find((x) => x.field === f);
      fields.push({
        field: f,
        crm: crm.record[f],
        siagh: siagh.record[f],
        outcome: !c ? 'not-synced' : c.winner === null ? 'conflict-open' : 'auto-resolved',
        policy: c?.policy ?? null,
        winner: c?.winner ?? null,
        reason: c ? (c.resolvedBy ?? 'manual') : null,
      });
      if (c?.winner === null) p.counts.conflictsOpen++;
      else if (c) p.counts.conflictsAutoResolved++;
    }
    if (fields.length === 0) p.counts.pairsIdentical++;
    else {
      p.counts.pairsDiffering++;
      p.counts.differingFields += fields.length;
      p.differing.push({ customerNumber: n, crmId: crm.id, siaghId: siagh.id, fields });
    }
  }
  for (const side of ['crm', 'siagh'] as const)
    for (const rec of sides[side].none) lone(side, rec, `${side}:${rec.id}`);
  return p;
}
