import type { Command } from 'commander';
import { CrmClient } from '@siaghsync/shared/crm/client';
import { loadCrmConfig } from '@siaghsync/shared/crm/config';
import { SiaghClient } from '@siaghsync/shared/siagh/client';
import { loadSiaghConfig } from '@siaghsync/shared/siagh/config';
import { projectorUrl, readToken } from './config';
import type { Ctx } from './context';
import { CliError, EXIT } from './errors';
import { formatTime, parseEntityRef, table, truncate } from './format';
import { expectOk, requestJson } from './http';
import type { Run } from './program';

interface Mapping {
  canonicalKey: string;
  crmId: string | null;
  siaghId: string | null;
  customerNumber: string | null;
  status: string;
  lastSyncAt: number | null;
  state: unknown;
}
interface Detail {
  mapping: Mapping;
  records: { crm: { record: unknown } | null; siagh: { record: unknown } | null };
  history: {
    occurredAt: number;
    status: string;
    direction: string;
    trigger: string;
    changedFields: string[];
    correlationId: string;
    error?: { code?: string } | null;
  }[];
}

/** The simulators' defaults when the adapters' variables are unset, as everywhere else in the project. */
const SIM_DEFAULTS: Record<string, string> = {
  CRM_BASE_URL: `http://127.0.0.1:${process.env.CRM_SIM_PORT ?? 7101}`,
  CRM_USERNAME: 'admin',
  CRM_PASSWORD: 'admin',
  SIAGH_BASE_URL: `http://127.0.0.1:${process.env.SIAGH_SIM_PORT ?? 7102}`,
  SIAGH_USERNAME: 'admin',
  SIAGH_PASSWORD: 'admin',
};

/** Finds the canonical key through the projector's search (customer number, CRM id, Siagh code, key). */
export async function resolveKey(ctx: Ctx, raw: string): Promise<string> {
  const ref = parseEntityRef(raw);
  if (ref.kind === 'canonical') return ref.key;
  const q = ref.kind === 'customerNumber' ? `100-${ref.n}` : ref.q;
  const r = expectOk(
    'projector',
    'search entities',
    await requestJson<{ items: Mapping[] }>(
      'projector',
      `${projectorUrl(ctx.cfg())}/api/entities?q=${encodeURIComponent(q)}`,
      { token: readToken(ctx.cfg()) },
    ),
  );
  const keys = [...new Set(r.items.map((m) => m.canonicalKey))];
  if (keys.length === 0)
    throw new CliError(
      EXIT.failed,
      `no entity matches "${raw}" in the projector's views`,
      'try a customer number (100-123), customer:<n>, a CRM id or a Siagh code',
    );
  if (keys.length > 1)
    throw new CliError(
      EXIT.failed,
      `"${raw}" matches several entities: ${keys.join(', ')}`,
      'pass one canonical key',
    );
  return keys[0]!;
}

/** Each side's live record through the adapters; a failure is reported in place, not fatal. */
async function liveRecords(m: Mapping): Promise<{ crm: unknown; siagh: unknown }> {
  const env = { ...SIM_DEFAULTS, ...Object.fromEntries(Object.entries(process.env).filter(([, v]) => v)) };
  const out: { crm: unknown; siagh: unknown } = { crm: null, siagh: null };
  const jobs: Promise<void>[] = [];
  if (m.crmId) {
    const crm = new CrmClient(loadCrmConfig(env));
    jobs.push(
      crm
        .getIdentity(m.crmId)
        .then(
          (r) => void (out.crm = r ?? { missing: true }),
          (e: Error) => void (out.crm = { error: e.message }),
        )
        .finally(() => crm.close()),
    );
  }
  if (m.siaghId && /^\d+$/.test(m.siaghId)) {
    const siagh = new SiaghClient(loadSiaghConfig(env));
    jobs.push(
      siagh
        .findContacts({ Code: Number(m.siaghId) })
        .then(
          (r) => void (out.siagh = r[0] ?? { missing: true }),
          (e: Error) => void (out.siagh = { error: e.message }),
        )
        .finally(() => siagh.close()),
    );
  }
  await Promise.all(jobs);
  return out;
}

export function formatEntity(d: Detail, live: { crm: unknown; siagh: unknown } | null): string {
  const m = d.mapping;
  const lines = [
    `${m.canonicalKey}  (${m.status})  customer number ${m.customerNumber ?? '-'}  CRM ${m.crmId ?? '-'}  Siagh ${m.siaghId ?? '-'}  last sync ${formatTime(m.lastSyncAt)}`,
    '',
    'Syncer state (entity-state, as projected)',
    JSON.stringify(m.state, null, 2),
    '',
    'Last synced records',
    `  CRM:   ${JSON.stringify(d.records.crm?.record ?? null)}`,
    `  Siagh: ${JSON.stringify(d.records.siagh?.record ?? null)}`,
  ];
  if (live)
    lines.push(
      '',
      'Live records (adapters)',
      `  CRM:   ${JSON.stringify(live.crm)}`,
      `  Siagh: ${JSON.stringify(live.siagh)}`,
    );
  lines.push('', `History (${d.history.length}, newest first)`);
  lines.push(
    table(
      ['time', 'status', 'direction', 'trigger', 'fields', 'correlation id'],
      d.history.map((h) => [
        formatTime(h.occurredAt),
        h.error?.code ? `${h.status} (${h.error.code})` : h.status,
        h.direction,
        h.trigger,
        truncate(h.changedFields.join(' '), 30),
        h.correlationId,
      ]),
    ),
  );
  return lines.join('\n');
}

export function registerEntity(program: Command, run: Run): void {
  const entity = program.command('entity').description('one customer across both systems');
  entity
    .command('show')
    .description("both systems' records, the syncer's state and the history of one entity")
    .argument('<ref>', 'customer number (100-123), canonical key (customer:123), CRM id or Siagh code')
    .option('--no-live', 'skip fetching the live records from the CRM and Siagh')
    .action((raw: string, o: { live: boolean }) =>
      run(async (ctx) => {
        const key = await resolveKey(ctx, raw);
        const r = await requestJson<Detail>(
          'projector',
          `${projectorUrl(ctx.cfg())}/api/entities/${encodeURIComponent(key)}`,
          { token: readToken(ctx.cfg()) },
        );
        if (r.status === 404) throw new CliError(EXIT.failed, `no entity ${key} in the projector's views`);
        const d = expectOk('projector', 'read the entity', r);
        const live = o.live ? await liveRecords(d.mapping) : null;
        ctx.out.result({ ...d, live }, () => formatEntity(d, live));
        return EXIT.ok;
      }),
    );
}
