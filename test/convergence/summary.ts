import type { RunResult } from './scenario';

// The table printed after a run: what was done, what was injected, what the syncer reported, the verdict.

export function formatSummary(r: RunResult): string {
  const rows: [string, string][] = [
    ['seed', String(r.seed)],
    ['topic prefix / logs', `${r.prefix} ${r.logDir}`],
    ['ops planned', String(r.ops.planned)],
    [
      'ops applied',
      Object.entries(r.ops.applied)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ') + `, skipped ${r.ops.skipped}`,
    ],
    [
      'faults injected',
      Object.entries(r.faults)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ') || 'none',
    ],
    [
      'outcomes',
      Object.entries(r.outcomes)
        .sort()
        .map(([k, v]) => `${k} ${v}`)
        .join(', ') || 'none',
    ],
    [
      'conflicts',
      `open ${r.verdict.conflicts.open}, closed ${r.verdict.conflicts.closed}; exempt fields ${r.verdict.exempt.length}`,
    ],
    [
      'dead letters',
      Object.entries(r.verdict.deadLetters)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ') || 'none',
    ],
    [
      'dead letters explained',
      Object.entries(r.verdict.deadLettersExplained)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ') + '; any other is a finding',
    ],
    ...(['crm', 'siagh'] as const).map((side): [string, string] => {
      const w = r.verdict.writes[side];
      return [
        `pipeline writes ${side}`,
        `${w.writes.writes} accepted (${w.writes.noop} changed nothing, ${w.writes.excused} of them after a kill or broker restart); ` +
          `${w.creates.attempts} create attempts (${w.creates.refused} refused)`,
      ];
    }),
    ['linked pairs checked', String(r.verdict.pairs)],
    [
      'webhooks acknowledged',
      `${r.webhooksAcknowledged}, each looked up in the changes topic by correlation id`,
    ],
    [
      'pre-invoices',
      `${r.verdict.preInvoices.quotes} quotes, ${r.verdict.preInvoices.documents} Siagh documents; ` +
        `explained ${r.verdict.preInvoices.explained}, waiting (customer not linked) ${r.verdict.preInvoices.waiting}`,
    ],
    [
      'views',
      r.views.hash === null
        ? 'not compared'
        : `v${r.views.live} = rebuilt v${r.views.rebuilt} (${r.views.hash.slice(0, 12)}; ` +
          Object.entries(r.views.counts)
            .map(([k, v]) => `${k} ${v}`)
            .join(', ') +
          ')',
    ],
    [
      'duration',
      `load ${(r.durationMs.load / 1000).toFixed(1)} s, quiescence ${(r.durationMs.quiescence / 1000).toFixed(1)} s, views ${(r.durationMs.views / 1000).toFixed(1)} s, total ${(r.durationMs.total / 1000).toFixed(1)} s`,
    ],
    ['verdict', r.verdict.findings.length === 0 ? 'CLEAN' : `${r.verdict.findings.length} finding(s)`],
  ];
  const w = Math.max(...rows.map(([k]) => k.length));
  const lines = rows.map(([k, v]) => `${k.padEnd(w)}  ${v}`);
  const byKind: Record<string, number> = {};
  for (const f of r.verdict.findings) byKind[f.kind] = (byKind[f.kind] ?? 0) + 1;
  if (r.verdict.findings.length) lines.push('', `findings by kind: ${JSON.stringify(byKind)}`);
  for (const f of r.verdict.findings.slice(0, 40))
    lines.push(`  ${f.kind.padEnd(24)} ${f.n === null ? '' : `100-${f.n}`.padEnd(10)} ${f.detail}`);
  if (r.verdict.exempt.length)
    lines.push(`exempt (open conflict): ${r.verdict.exempt.slice(0, 20).join(' ')}`);
  return lines.join('\n');
}
