// The poller-state topic's keys and values. The topic is internal to the poller, so its values are
// compact JSON rather than registered Avro: an operator can still read them with a console consumer,
// and a record costs ~40 bytes on the log (one per tracked record, compacted to the latest).
//
//   key `r|<source>|<id>`  value `{"h":"<13 hex>"}` or `{"h":"…","m":1}` (missing once); null = tombstone
//   key `m|<source>`       value SourceMeta as JSON

import type { Message } from 'kafkajs';
import type { SourceSystem } from '@siaghsync/shared/events';
import type { Hash52, StateUpdate } from './diff';

export interface SourceMeta {
  /** Sweeps committed so far (part of deterministic event ids). */
  sweeps: number;
  lastCompleteCount: number;
  /** Epoch ms of the last complete (trusted) sweep; null before the first. */
  lastCompleteAt: number | null;
  /**
   * When the read of that sweep began: a record it saw unchanged and a later sweep sees changed was
   * edited after this (tracker.ts changedAfter). Absent in state written before it existed.
   */
  lastCompleteReadAt?: number | null;
  /** CRM: position of the round-robin reconcile slice in the sorted id list. */
  reconcileCursor: number;
}

export const emptyMeta = (): SourceMeta => ({
  sweeps: 0,
  lastCompleteCount: 0,
  lastCompleteAt: null,
  reconcileCursor: 0,
});

export const recordKey = (source: SourceSystem, id: string): string => `r|${source}|${id}`;
export const metaKey = (source: SourceSystem): string => `m|${source}`;

export const hashHex = (h: Hash52): string => h.toString(16).padStart(13, '0');

export function stateMessage(source: SourceSystem, u: StateUpdate): Message {
  const key = recordKey(source, u.id);
  if (u.hash === null) return { key, value: null };
  return { key, value: JSON.stringify(u.missing ? { h: hashHex(u.hash), m: 1 } : { h: hashHex(u.hash) }) };
}

export function metaMessage(source: SourceSystem, meta: SourceMeta): Message {
  return { key: metaKey(source), value: JSON.stringify(meta) };
}

export type DecodedState =
  | { kind: 'record'; source: SourceSystem; id: string; value: { hash: Hash52; missing: boolean } | null }
  | { kind: 'meta'; source: SourceSystem; value: SourceMeta | null }
  | { kind: 'unknown' };

const isSource = (s: string | undefined): s is SourceSystem => s === 'crm' || s === 'siagh';

/** Decodes one state message; anything unreadable is 'unknown' (skipped, never fatal: state can be rebuilt). */
export function decodeState(key: string, value: Buffer | null): DecodedState {
  const bar = key.indexOf('|');
  const kind = key.slice(0, bar);
  const rest = key.slice(bar + 1);
  const bar2 = rest.indexOf('|');
  const source = kind === 'm' ? rest : rest.slice(0, bar2);
  if (!isSource(source)) return { kind: 'unknown' };
  try {
    if (kind === 'm') {
      const v =
        value === null ? null : { ...emptyMeta(), ...(JSON.parse(value.toString()) as Partial<SourceMeta>) };
      return { kind: 'meta', source, value: v };
    }
    if (kind !== 'r' || bar2 < 0) return { kind: 'unknown' };
    const id = rest.slice(bar2 + 1);
    if (value === null) return { kind: 'record', source, id, value: null };
    const v = JSON.parse(value.toString()) as { h?: unknown; m?: unknown };
    if (typeof v.h !== 'string' || !/^[0-9a-f]{1,13}$/.test(v.h)) return { kind: 'unknown' };
    return { kind: 'record', source, id, value: { hash: Number.parseInt(v.h, 16), missing: v.m === 1 } };
  } catch {
    return { kind: 'unknown' };
  }
}
