import type { ViewSnapshot } from '../../store/reader';
import type { FieldLineage, LineageDoc } from './evolve';

/** "Why is this value here?": per field and side, the outcome or edit that set the current value. */
export async function entityLineage(
  v: ViewSnapshot,
  canonicalKey: string,
  field?: string,
): Promise<{ canonicalKey: string; fields: FieldLineage[] } | null> {
  const doc = await v.view<LineageDoc>('lineage').findOne({ _id: canonicalKey });
  if (!doc) return null;
  return { canonicalKey, fields: field ? doc.fields.filter((f) => f.field === field) : doc.fields };
}
