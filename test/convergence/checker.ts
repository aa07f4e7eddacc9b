import { crmToCanonical, kindOfIdentityType } from '@siaghsync/shared/mapping/crm';
import { siaghToCanonical } from '@siaghsync/shared/mapping/siagh';
import { normalizeField, type CanonicalCustomer } from '@siaghsync/shared/mapping/canonical';
import type { SyncConfig } from '@siaghsync/shared/mapping/syncConfig';
import type { Conflict, DeadLetter } from '@siaghsync/shared/events';
import type { CrmSimulator } from '@siaghsync/simulators/crm/server';
import type { SiaghSimulator } from '@siaghsync/simulators/siagh/server';
import type { WorkloadStats } from './workload';
import { checkPreInvoices, type PreInvoiceVerdict } from './preinvoices';
import { duplicateCreates, userChanges, type CreateCount } from './creates';
import { amplification, type WriteCount } from './amplification';
import { explainDeadLetters, type DeadLetterCause } from './deadLetters';
import type { Disruption } from './faults';
import type { Side } from './generator';

// The verdict once the pipeline is idle. Each finding names the customer number and what is wrong,
// so a failing seed can be followed with `syncctl entity show 100-<n>`.

export type FindingKind =
  | 'duplicate'
  | 'missing-counterpart'
  | 'field-mismatch'
  | 'lost-update'
  | 'not-deactivated'
  | 'unexplained-dead-letter'
  | 'duplicate-create-attempt'
  | 'redundant-write'
  | 'unexplained-write'
  | 'journal-truncated'
  | 'views-differ'
  | 'views-behind'
  | 'webhook-lost'
  | 'preinvoice-missing'
  | 'preinvoice-duplicate'
  | 'preinvoice-mismatch';

export interface Finding {
  kind: FindingKind;
  n: number | null;
  detail: string;
}

export interface Verdict {
  pairs: number;
  findings: Finding[];
  /** Fields left unequal because an open conflict parks them (key:field). */
  exempt: string[];
  conflicts: { open: number; closed: number };
  deadLetters: Record<string, number>;
  /** Dead letters the load caused, by cause (every other one is a finding). */
  deadLettersExplained: Record<DeadLetterCause, number>;
  /** The pipeline's writes to each side, from the simulators' write journals. */
  writes: Record<Side, { creates: CreateCount; writes: WriteCount }>;
  preInvoices: Omit<PreInvoiceVerdict, 'findings'>;
}

type Field = keyof CanonicalCustomer;

export function check(
  crm: CrmSimulator,
  siagh: SiaghSimulator,
  config: SyncConfig,
  conflicts: readonly Conflict[],
  deadLetters: DeadLetter[],
  stats: WorkloadStats,
  disruptions: readonly Disruption[] = [],
): Verdict {
  const findings: Finding[] = [];
  const journals = { crm: crm.journal.list(), siagh: siagh.journal.list() };
  for (const [side, sim] of [
    ['crm', crm],
    ['siagh', siagh],
  ] as const)
    if (sim.journal.dropped > 0)
      findings.push({
        kind: 'journal-truncated',
        n: null,
        detail: `${side}: the write journal dropped its first ${sim.journal.dropped} entries; creates and writes cannot be judged`,
      });
  const changes = userChanges(journals);
  const writes = {} as Verdict['writes'];
  for (const side of ['crm', 'siagh'] as const) {
    const creates = duplicateCreates(side, journals[side], changes);
    const amp = amplification(side, journals, disruptions);
    findings.push(...creates.findings, ...amp.findings);
    writes[side] = { creates: creates.count, writes: amp.count };
  }
  const crmBy = new Map<number, CanonicalCustomer[]>();
  const numberOf = new Map<string, number>();
  for (const i of crm.store.identities.values()) {
    const c = crmToCanonical(i as never, kindOfIdentityType(i.identityType), config);
    if (c.customerNumber !== null) numberOf.set(i.crmId, c.customerNumber);
    if (c.customerNumber !== null) crmBy.set(c.customerNumber, [...(crmBy.get(c.customerNumber) ?? []), c]);
  }
  const siaghBy = new Map<number, { c: CanonicalCustomer; active: boolean }[]>();
  const siaghCode = new Map<number, number>();
  for (const s of siagh.store.contacts.values()) {
    if (s.IsAdminUser) continue;
    const c = siaghToCanonical(s as never, config);
    if (c.customerNumber !== null) siaghCode.set(c.customerNumber, s.Code);
    if (c.customerNumber !== null)
      siaghBy.set(c.customerNumber, [...(siaghBy.get(c.customerNumber) ?? []), { c, active: s.IsActive }]);
  }
  for (const [n, xs] of crmBy)
    if (xs.length > 1) findings.push({ kind: 'duplicate', n, detail: `${xs.length} CRM customers 100-${n}` });
  for (const [n, xs] of siaghBy)
    if (xs.length > 1)
      findings.push({ kind: 'duplicate', n, detail: `${xs.length} Siagh contacts tmpid ${n}` });

  const open = new Set<string>();
  let closed = 0;
  for (const c of conflicts) {
    if (c.status === 'open') open.add(`${c.canonicalKey}:${c.field}`);
    else closed++;
  }
  const anyConflict = new Set(conflicts.map((c) => `${c.canonicalKey}:${c.field}`));
  const compared = Object.values(config.fields).filter(
    (r) => r.crm !== null && r.siagh !== null && r.direction !== 'none',
  );
  const exempt: string[] = [];
  let pairs = 0;
  const numbers = new Set([...crmBy.keys(), ...siaghBy.keys()]);
  for (const n of [...numbers].sort((a, b) => a - b)) {
    const a = crmBy.get(n)?.[0];
    const b = siaghBy.get(n)?.[0];
    const deleted = stats.deleted.crm.has(n) || stats.deleted.siagh.has(n);
    // A delete on one side against an edit on the other parks the whole record (field "record").
    if (open.has(`customer:${n}:record`)) {
      exempt.push(`customer:${n}:record`);
      continue;
    }
    if (!a || !b) {
      if (!deleted)
        findings.push({ kind: 'missing-counterpart', n, detail: `only in ${a ? 'the CRM' : 'Siagh'}` });
      // A CRM delete deactivates the Siagh contact (deletes.crmToSiagh).
      if (!a && b && stats.deleted.crm.has(n) && config.deletes.crmToSiagh === 'deactivate' && b.active) {
        findings.push({ kind: 'not-deactivated', n, detail: 'deleted in the CRM, still active in Siagh' });
      }
      continue;
    }
    pairs++;
    for (const rule of compared) {
      const f = rule.field as Field;
      if (a[f] === b.c[f]) continue;
      const key = `customer:${n}:${f}`;
      if (open.has(key)) {
        exempt.push(key);
        continue;
      }
      findings.push({
        kind: 'field-mismatch',
        n,
        detail: `${f}: crm ${JSON.stringify(a[f])} / siagh ${JSON.stringify(b.c[f])}`,
      });
    }
    // An edit made on one side only must survive (no conflict was possible), on both sides once equal.
    for (const rule of compared) {
      const f = rule.field as Field;
      const e = stats.edits.get(`${n}:${f}`);
      if (!e || e.sides.size > 1 || anyConflict.has(`customer:${n}:${f}`)) continue;
      const want = normalizeField(f, e.last as never);
      const got = e.lastSide === 'crm' ? a[f] : b.c[f];
      if (got !== want)
        findings.push({
          kind: 'lost-update',
          n,
          detail: `${f} edited in ${e.lastSide} to ${JSON.stringify(want)}, now ${JSON.stringify(got)}`,
        });
    }
  }
  const dead = explainDeadLetters(
    {
      fractionalPrice: stats.fractionalPrice,
      quoteCustomer: stats.quoteCustomer,
      journals,
      stillFractional: (id) =>
        crm.store.quotes
          .get(id)
          ?.details.some(
            (l) => !Number.isInteger(l.baseUnitPrice) || !Number.isInteger(l.totalDiscount ?? 0),
          ) ?? false,
    },
    deadLetters,
  );
  findings.push(...dead.findings);
  const reasons: Record<string, number> = {};
  for (const d of dead.unique)
    reasons[d.reasonCode || '(none)'] = (reasons[d.reasonCode || '(none)'] ?? 0) + 1;
  const openKeys = conflicts.filter((c) => c.status === 'open').map((c) => c.canonicalKey);
  const { findings: pf, ...preInvoices } = checkPreInvoices({
    quotes: [...crm.store.quotes.quotes.values()],
    customerOf: (id) => numberOf.get(id),
    // Linked as the checker sees it: the customer number on both sides and no conflict parking the record.
    siaghCodeOf: (n) => (open.has(`customer:${n}:record`) ? undefined : siaghCode.get(n)),
    docs: [...siagh.store.preInvoices.values()],
    explained: new Set([...dead.exempt, ...openKeys]),
    config: config.preInvoice,
  });
  findings.push(...pf);
  return {
    pairs,
    findings,
    exempt,
    conflicts: { open: open.size, closed },
    deadLetters: reasons,
    deadLettersExplained: dead.explained,
    writes,
    preInvoices,
  };
}
