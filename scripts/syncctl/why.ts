import type { Command } from 'commander';
import { projectorUrl, readToken } from './config';
import { resolveKey } from './entity';
import { CliError, EXIT } from './errors';
import { formatTime } from './format';
import { expectOk, requestJson } from './http';
import type { Run } from './program';
import type { FieldLineage, Provenance } from '../../services/projector/src/views/lineage/evolve';

export type { FieldLineage };

type Side = 'crm' | 'siagh';

export interface ConflictItem {
  conflictId: string;
  state: string | null;
  field: string | null;
  detectedAt: number | null;
  conflict: {
    crmValue: string | null;
    siaghValue: string | null;
    policy: string;
    winner: Side | null;
    resolvedBy: string | null;
  } | null;
}

const SIDE_NAME: Record<Side, string> = { crm: 'CRM', siagh: 'Siagh' };

/** The decision behind a value, in the words an operator uses. */
export function explainReason(reason: string): string {
  if (reason === 'create') return 'the record was created from the other side';
  if (reason === 'present-at-link') return 'already there when the pair was first linked';
  if (reason === 'direction') return "the field's direction rule lets it flow one way only";
  if (reason === 'changed-on-crm' || reason === 'changed-on-siagh')
    return `edited in ${SIDE_NAME[reason === 'changed-on-crm' ? 'crm' : 'siagh']}, not in the other`;
  if (reason === 'conflict-lww') return 'conflict: the later edit won (last write wins)';
  if (reason === 'conflict-lww-tie')
    return 'conflict: edits within the clock-skew allowance, the configured side won';
  if (reason.startsWith('conflict-fixed-'))
    return `conflict: the policy says ${SIDE_NAME[reason.endsWith('crm') ? 'crm' : 'siagh']} wins`;
  if (reason === 'conflict-manual-resolved') return 'conflict: settled by a person';
  return reason;
}

function explainOrigin(p: Provenance, side: Side): string {
  const other = SIDE_NAME[side === 'crm' ? 'siagh' : 'crm'];
  if (p.origin === 'sync-write') return `written by the syncer (${p.direction}, ${p.trigger})`;
  if (p.origin === 'source-edit') return `edited in ${SIDE_NAME[side]}; the syncer carried it to ${other}`;
  return 'found there at the first link, unchanged since';
}

const shown = (v: string | null) => (v === null ? '(empty)' : v);

/** `syncctl why`'s text: each side's value, what set it, which policy decided, and the conflicts. */
export function formatWhy(key: string, l: FieldLineage, conflicts: ConflictItem[]): string {
  const lines = [`${key} · ${l.field}`];
  for (const side of ['crm', 'siagh'] as const) {
    const p = l[side];
    lines.push('');
    if (!p) {
      lines.push(
        `${SIDE_NAME[side]}: no value recorded (no write, edit or link has touched it since lineage began)`,
      );
      continue;
    }
    lines.push(
      `${SIDE_NAME[side]}: ${shown(p.value)}`,
      `  how:    ${explainOrigin(p, side)}`,
      `  why:    ${explainReason(p.reason)}`,
      `  when:   ${formatTime(p.at)}`,
      `  change: ${p.sourceEventId} · outcome ${p.outcomeId} · correlation ${p.correlationId}`,
    );
    if (p.previous !== null) lines.push(`  before: ${p.previous}`);
  }
  if (l.history.length > 0) {
    lines.push('', `Earlier values (${l.history.length}, newest first)`);
    for (const h of l.history)
      lines.push(
        `  ${formatTime(h.at)}  ${SIDE_NAME[h.side].padEnd(5)}  ${shown(h.value)}  (${h.origin}, ${h.reason})`,
      );
  }
  lines.push('');
  if (conflicts.length === 0) lines.push('Conflicts: none on this field');
  else {
    lines.push(`Conflicts (${conflicts.length})`);
    for (const c of conflicts) {
      const d = c.conflict;
      const won = d?.winner ? `${SIDE_NAME[d.winner]} won` : 'no winner yet';
      lines.push(
        `  ${formatTime(c.detectedAt)}  ${c.state ?? '-'}  policy ${d?.policy ?? '-'}, ${won}${d?.resolvedBy ? ` (by ${d.resolvedBy})` : ''}  CRM ${shown(d?.crmValue ?? null)} · Siagh ${shown(d?.siaghValue ?? null)}  [${c.conflictId}]`,
      );
    }
  }
  return lines.join('\n');
}

export function registerWhy(program: Command, run: Run): void {
  program
    .command('why')
    .description(
      'why a field of a customer has its value on each side: which write or edit, which policy, which conflict',
    )
    .argument('<ref>', 'customer number (100-123), canonical key (customer:123), CRM id or Siagh code')
    .argument('<field>', 'a mapped field (email, mobile, nickName, ...)')
    .action((raw: string, field: string) =>
      run(async (ctx) => {
        const key = await resolveKey(ctx, raw);
        const base = projectorUrl(ctx.cfg());
        const token = readToken(ctx.cfg());
        const all = await requestJson<{ fields: FieldLineage[] }>(
          'projector',
          `${base}/api/entities/${encodeURIComponent(key)}/lineage`,
          { token },
        );
        if (all.status === 404)
          throw new CliError(
            EXIT.failed,
            `no lineage for ${key}: the syncer has recorded no write, edit or link of it`,
          );
        const fields = expectOk('projector', 'read the lineage', all).fields;
        const lineage = fields.find((f) => f.field === field);
        if (!lineage)
          throw new CliError(
            EXIT.usage,
            `no lineage for field "${field}" of ${key}`,
            `fields with lineage: ${fields.map((f) => f.field).join(', ') || 'none'}`,
          );
        const conflicts = expectOk(
          'projector',
          'list the conflicts',
          await requestJson<{ items: ConflictItem[] }>(
            'projector',
            `${base}/api/conflicts?canonicalKey=${encodeURIComponent(key)}&limit=100`,
            { token },
          ),
        ).items.filter((c) => c.field === field);
        ctx.out.result({ canonicalKey: key, ...lineage, conflicts }, () =>
          formatWhy(key, lineage, conflicts),
        );
        return EXIT.ok;
      }),
    );
}
