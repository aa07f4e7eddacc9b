import { z } from 'zod';
import { toAsciiDigits } from '@siaghsync/shared/normalize/index';
import type { ViewSnapshot } from '../../store/reader';
import type { AuditDoc } from '../sync_audit/evolve';
import { readMapping, type MappingDoc, type StoredMapping } from './evolve';

export const customerSearchQuery = z
  .object({
    q: z.string().trim().min(1).max(100).describe('customer number, CRM id, Siagh code or canonical key'),
  })
  .strict();

const parseJson = (s: string | null | undefined): unknown => {
  if (!s) return null;
  try {
    return JSON.parse(s) as unknown;
  } catch {
    return s;
  }
};

/** A mapping as the API shows it: its nested parts as objects, without the fold's own bookkeeping. */
function presented(stored: Omit<StoredMapping, 'stateIds'>): MappingDoc {
  const full: StoredMapping = { ...stored, stateIds: null };
  const { stateIds: _ids, ...doc } = readMapping(full);
  return doc;
}

/** One box matches any identifier the user may paste; each alternative is served by an index. */
export async function searchCustomers(v: ViewSnapshot, raw: string): Promise<MappingDoc[]> {
  const q = toAsciiDigits(raw.trim());
  const nk = q.replace(/^100-/, '');
  const or = [{ _id: q }, { naturalKey: nk }, { crmId: q }, { siaghId: q }];
  const stored = await v
    .view<StoredMapping>('entity_mappings')
    .find({ $or: or }, { projection: { _pos: 0, stateIds: 0 } })
    // A customer number also names that customer's quotes: 'customer:' sorts before 'preinvoice:', so
    // the customer comes first (the dashboard opens the first), and the order never depends on storage.
    .sort({ _id: 1 })
    .limit(20)
    .toArray();
  return stored.map(presented);
}

/** The customer page: both systems' latest known records side by side, and the history of outcomes. */
export async function customerDetail(v: ViewSnapshot, canonicalKey: string, historyLimit = 50) {
  const stored = await v
    .view<StoredMapping>('entity_mappings')
    .findOne({ _id: canonicalKey }, { projection: { _pos: 0, stateIds: 0 } });
  if (!stored) return null;
  const mapping = presented(stored);
  const history = await v
    .view<AuditDoc>('sync_audit')
    .find({ canonicalKey }, { projection: { _pos: 0, sourceSnapshot: 0, targetBefore: 0, targetAfter: 0 } })
    .sort({ occurredAt: -1, _id: -1 })
    .limit(historyLimit)
    .toArray();
  const r = mapping.sync?.records;
  return {
    mapping,
    records: {
      crm: r?.crm ? { ...r.crm, record: parseJson(r.crm.snapshot) } : null,
      siagh: r?.siagh ? { ...r.siagh, record: parseJson(r.siagh.snapshot) } : null,
    },
    history,
  };
}
