import type { Command } from 'commander';
import { CrmClient } from '@siaghsync/shared/crm/client';
import { loadCrmConfig } from '@siaghsync/shared/crm/config';
import type { CustomerKind } from '@siaghsync/shared/mapping/canonical';
import { getCrmPath } from '@siaghsync/shared/mapping/crmPath';
import { readSiaghField } from '@siaghsync/shared/mapping/siagh';
import { MAPPED_FIELDS, loadSyncConfig, type SyncConfig } from '@siaghsync/shared/mapping/syncConfig';
import { SiaghClient } from '@siaghsync/shared/siagh/client';
import { loadSiaghConfig } from '@siaghsync/shared/siagh/config';
import { fetchCrmDetail } from '../../services/poller/src/crmPoller';
import { CliError, EXIT, isUnreachable } from './errors';
import { table } from './format';
import type { Run } from './program';

export interface AbsentPath {
  field: string;
  side: 'crm' | 'siagh';
  path: string;
}

export interface LiveSample {
  crm: { kind: CustomerKind; body: unknown }[];
  siagh: Record<string, unknown>[];
}

/**
 * Every configured CRM path or Siagh field that no sampled record has. A misspelt path reads as empty,
 * and an empty value is a value the syncer would write to the other side: found here, not in production.
 * Present means the key exists, even with an empty value.
 */
export function absentInSample(config: SyncConfig, sample: LiveSample): AbsentPath[] {
  const absent: AbsentPath[] = [];
  for (const field of MAPPED_FIELDS) {
    const rule = config.fields[field];
    if (rule.crm !== null && sample.crm.length > 0) {
      const path = rule.crm;
      if (sample.crm.every((r) => getCrmPath(r.body, path) === undefined))
        absent.push({ field, side: 'crm', path });
    }
    if (rule.siagh !== null && sample.siagh.length > 0) {
      const name = rule.siagh;
      if (sample.siagh.every((c) => readSiaghField(c, name) === undefined))
        absent.push({ field, side: 'siagh', path: name });
    }
  }
  return absent;
}

/** One row per mapped field: where each side keeps it, which way it flows, how a conflict is settled. */
export function configRows(config: SyncConfig): string[][] {
  return MAPPED_FIELDS.map((f) => {
    const r = config.fields[f];
    const policy =
      r.policy.kind === 'lww'
        ? `lww (skew ${r.policy.clockSkewMs} ms, tie ${r.policy.tiePriority})`
        : r.policy.kind;
    return [f, r.crm ?? '-', r.siagh ?? '-', r.direction, policy];
  });
}

async function readSample(perKind: number, env: NodeJS.ProcessEnv): Promise<LiveSample> {
  let crm: CrmClient;
  let siagh: SiaghClient;
  try {
    crm = new CrmClient(loadCrmConfig(env), { deviceId: 'siaghsync-syncctl' });
    siagh = new SiaghClient(loadSiaghConfig(env));
  } catch (err) {
    throw new CliError(EXIT.config, (err as Error).message);
  }
  try {
    const sample: LiveSample = { crm: [], siagh: [] };
    for (const [identityType, kind] of [
      [1, 'person'],
      [2, 'organization'],
    ] as const) {
      const page = await crm.listIdentities({ identityType, pageNumber: 0, pageSize: perKind });
      for (const i of page.slice(0, perKind)) {
        const body = await fetchCrmDetail(crm, i.identityId, kind);
        if (body !== 'gone') sample.crm.push({ kind, body });
      }
    }
    // One GetAll, as the poller makes every cycle: every contact is in the sample.
    sample.siagh = await siagh.getAllContacts();
    return sample;
  } catch (err) {
    if (isUnreachable(err)) throw new CliError(EXIT.unreachable, (err as Error).message);
    throw err;
  } finally {
    await Promise.all([crm.close(), siagh.close()]);
  }
}

export function registerConfigCheck(program: Command, run: Run): void {
  const config = program.command('config').description('the field mapping (SYNC_CONFIG_PATH)');
  config
    .command('check')
    .description(
      'validate the mapping file as the services do at start-up; with --live, report every configured CRM path or Siagh field absent from real records',
    )
    .option('--file <path>', 'the mapping file (default: SYNC_CONFIG_PATH, else config/sync.default.yaml)')
    .option('--live', 'read a sample of real records from both systems (no writes)')
    .option('--sample <n>', 'CRM persons and organizations to read with --live (each)', '20')
    .action((o: { file?: string; live?: boolean; sample: string }) =>
      run(async (ctx) => {
        const perKind = Number(o.sample);
        if (!Number.isInteger(perKind) || perKind < 1 || perKind > 500)
          throw new CliError(EXIT.usage, '--sample must be an integer between 1 and 500');
        let cfg: SyncConfig;
        try {
          cfg = loadSyncConfig(o.file, process.env);
        } catch (err) {
          throw new CliError(
            EXIT.config,
            (err as Error).message,
            'fix the file; the services refuse to start with it',
          );
        }
        const rows = configRows(cfg);
        if (!o.live) {
          ctx.out.result({ valid: true, fields: rows.length }, () =>
            [
              'mapping valid',
              table(['field', 'crm path', 'siagh field', 'direction', 'conflicts'], rows),
            ].join('\n'),
          );
          return EXIT.ok;
        }
        ctx.out.note('reading a sample of both systems (reads only)...');
        const sample = await readSample(perKind, process.env);
        const absent = absentInSample(cfg, sample);
        const sampled = { crmRecords: sample.crm.length, siaghContacts: sample.siagh.length };
        ctx.out.result({ valid: true, sampled, absent }, () => {
          const head = `mapping valid; sampled ${sampled.crmRecords} CRM records and ${sampled.siaghContacts} Siagh contacts`;
          if (absent.length === 0) return `${head}\nevery configured path and field is present in the sample`;
          return [
            head,
            `${absent.length} configured ${absent.length === 1 ? 'path is' : 'paths are'} absent from every sampled record (misspelt? it would read as empty and be written to the other side):`,
            table(
              ['field', 'side', 'configured as'],
              absent.map((a) => [a.field, a.side, a.path]),
            ),
          ].join('\n');
        });
        return absent.length === 0 ? EXIT.ok : EXIT.failed;
      }),
    );
}
