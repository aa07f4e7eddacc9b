import type { ViewSnapshot } from '../../store/reader';
import { readLineage, type FieldLineage, type StoredLineage } from './evolve';

/** "Why is this value here?": per field and side, the outcome or edit that set the current value. */
export async function entityLineage(
  v: ViewSnapshot,
  canonicalKey: string,
  field?: string,
): Promise<{ canonicalKey: string; fields: FieldLineage[] } | null> {
  const stored = await v.view<StoredLineage>('lineage').findOne({ _id: canonicalKey });
  if (!stored) return null;
  const doc = readLineage(stored);
  return { canonicalKey, fields: field ? doc.fields.filter((f) => f.field === field) : doc.fields };
}
