import type { Conflict, ConflictResolution } from '@siaghsync/shared/events';
import type { ProjectorEvent } from '../../events';
import type { View } from '../types';

export type ConflictState = 'open' | 'resolving' | 'auto-resolved' | 'resolved';

export interface ResolutionRequest {
  resolutionId: string;
  choice: ConflictResolution['choice'];
  value: string | null;
  resolvedBy: string;
  requestedAt: number;
  correlationId: string;
}

/**
 * `conflict` is folded from the conflicts topic, `requests` from operator resolutions on `work`;
 * `state` is derived from both so that a rebuild reading the two topics in another order agrees.
 * A document with requests but no conflict yet has state null and is hidden by the queries.
 */
export interface ConflictDoc {
  _id: string;
  conflictId: string;
  state: ConflictState | null;
  canonicalKey: string;
  field: string | null;
  detectedAt: number | null;
  conflict: Conflict | null;
  history: { status: Conflict['status']; at: number; winner: string | null; resolvedBy: string | null }[];
  requests: ResolutionRequest[];
}

function deriveState(c: Conflict | null, requests: ResolutionRequest[]): ConflictState | null {
  if (!c) return null;
  if (c.status !== 'open') return c.status;
  return requests.length > 0 ? 'resolving' : 'open';
}

export const conflictsView: View<ConflictDoc> = {
  name: 'conflicts',
  keys: (e: ProjectorEvent) =>
    e.type === 'conflict'
      ? [e.data.conflictId]
      : e.type === 'resolution-requested'
        ? [e.data.conflictId]
        : [],
  evolve(doc, e, id) {
    let conflict = doc?.conflict ?? null;
    let history = doc?.history ?? [];
    let requests = doc?.requests ?? [];
    let canonicalKey = doc?.canonicalKey ?? '';
    if (e.type === 'conflict') {
      conflict = e.data;
      canonicalKey = e.data.canonicalKey;
      const at = e.data.resolvedAt ?? e.data.detectedAt;
      const last = history[history.length - 1];
      if (!last || last.status !== e.data.status) {
        history = [
          ...history,
          { status: e.data.status, at, winner: e.data.winner, resolvedBy: e.data.resolvedBy },
        ];
      }
    } else if (e.type === 'resolution-requested') {
      if (requests.some((r) => r.resolutionId === e.data.resolutionId)) return doc;
      const r = e.data;
      const req: ResolutionRequest = {
        resolutionId: r.resolutionId,
        choice: r.choice,
        value: r.value,
        resolvedBy: r.resolvedBy,
        requestedAt: r.resolvedAt,
        correlationId: r.correlationId,
      };
      requests = [...requests, req].sort(
        (a, b) => a.requestedAt - b.requestedAt || a.resolutionId.localeCompare(b.resolutionId),
      );
      canonicalKey = canonicalKey || r.canonicalKey;
    } else {
      return doc;
    }
    return {
      _id: id,
      conflictId: id,
      state: deriveState(conflict, requests),
      canonicalKey,
      field: conflict?.field ?? null,
      detectedAt: conflict?.detectedAt ?? null,
      conflict,
      history,
      requests,
    };
  },
  indexes: [
    { key: { state: 1, detectedAt: -1, _id: -1 } },
    { key: { canonicalKey: 1, detectedAt: -1 } },
    { key: { detectedAt: -1, _id: -1 } },
  ],
};
