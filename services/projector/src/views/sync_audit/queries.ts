import { z } from 'zod';
import { toAsciiDigits } from '@siaghsync/shared/normalize/index';
import { afterCursor, page, pageQuery, timeParam, type Page } from '../../api/cursor';
import { orderedRange } from '../../api/ranges';
import type { ViewSnapshot } from '../../store/reader';
import type { AuditDoc } from './evolve';

const STATUSES = [
  'synced',
  'linked',
  'created',
  'deleted',
  'skipped-echo',
  'skipped-unchanged',
  'conflict',
  'waiting',
  'retrying',
  'dead-lettered',
  'resolved',
] as const;

export const auditFilter = z
  .object({
    customerNumber: z.string().max(40).optional().describe('100-1231, 1231 or Persian digits'),
    canonicalKey: z.string().max(200).optional(),
    crmId: z.string().max(100).optional(),
    siaghCode: z.string().max(100).optional(),
    status: z.enum(STATUSES).optional(),
    direction: z.enum(['crm-to-siagh', 'siagh-to-crm', 'none']).optional(),
    from: timeParam.optional().describe('occurredAt >= from (epoch ms or ISO date)'),
    to: timeParam.optional().describe('occurredAt < to'),
    correlationId: z.string().max(100).optional(),
  })
  .strict();
export type AuditFilter = z.infer<typeof auditFilter>;
/** Paged (at most pageQuery's limit a request), so any time range costs one page. */
export const auditQuery = auditFilter.extend(pageQuery).strict().superRefine(orderedRange);

/** `100-1231`, `۱۲۳۱` or `1231` all mean natural key 1231. */
export function naturalKeyOf(customerNumber: string): string {
  return toAsciiDigits(customerNumber.trim()).replace(/^100-/, '');
}

export function auditMongoFilter(f: AuditFilter): Record<string, unknown> {
  const q: Record<string, unknown> = {};
  if (f.customerNumber) q.naturalKey = naturalKeyOf(f.customerNumber);
  if (f.canonicalKey) q.canonicalKey = f.canonicalKey;
  if (f.crmId) q.crmId = f.crmId;
  if (f.siaghCode) q.siaghId = f.siaghCode;
  if (f.status) q.status = f.status;
  if (f.direction) q.direction = f.direction;
  if (f.correlationId) q.correlationId = f.correlationId;
  if (f.from !== undefined || f.to !== undefined) {
    q.occurredAt = {
      ...(f.from !== undefined ? { $gte: f.from } : {}),
      ...(f.to !== undefined ? { $lt: f.to } : {}),
    };
  }
  return q;
}

export async function searchAudit(
  v: ViewSnapshot,
  f: AuditFilter,
  limit: number,
  cursor?: string,
): Promise<Page<AuditDoc>> {
  const filter = { $and: [auditMongoFilter(f), afterCursor('occurredAt', cursor)] };
  const docs = await v
    .view<AuditDoc>('sync_audit')
    .find(filter, { projection: { _pos: 0 } })
    .sort({ occurredAt: -1, _id: -1 })
    .limit(limit + 1)
    .toArray();
  return page(docs, limit, (d) => d.occurredAt);
}

/**
 * A cursor over every match, newest first, for exports (bounded by the caller). Small batches: an
 * export waiting for a slow client holds one batch, not the driver's default of up to 16 MB.
 */
export function streamAudit(v: ViewSnapshot, f: AuditFilter, max: number) {
  return v
    .view<AuditDoc>('sync_audit')
    .find(auditMongoFilter(f), { projection: { _pos: 0 } })
    .sort({ occurredAt: -1, _id: -1 })
    .limit(max)
    .batchSize(200);
}

export async function getOutcome(v: ViewSnapshot, outcomeId: string): Promise<AuditDoc | null> {
  return v.view<AuditDoc>('sync_audit').findOne({ _id: outcomeId }, { projection: { _pos: 0 } });
}
