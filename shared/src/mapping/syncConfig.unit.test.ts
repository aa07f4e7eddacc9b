import { readFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { SyncError } from '../errors';
import { loadSyncConfig, parseSyncConfig, MAPPED_FIELDS, flowsTo } from './syncConfig';

const DEFAULT_PATH = join(__dirname, '../../../config/sync.default.yaml');
interface LooseFile {
  fields: Record<string, Record<string, unknown>> & {
    email: Record<string, unknown>;
    mobile: Record<string, unknown>;
    city: Record<string, unknown>;
  };
  deletes: Record<string, unknown>;
  defaults: { lww: Record<string, unknown> };
}
const defaultFile = (): LooseFile => parse(readFileSync(DEFAULT_PATH, 'utf8')) as LooseFile;

function thrownCode(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return e instanceof SyncError ? e.code : 'NOT_A_SYNC_ERROR';
  }
  return undefined;
}

function issuesOf(input: unknown): string[] {
  try {
    parseSyncConfig(input);
  } catch (e) {
    if (e instanceof SyncError && e.code === 'CONFIG_INVALID') return (e.details?.issues as string[]) ?? [];
    throw e;
  }
  return [];
}

describe('sync config', () => {
  it('loads the default file with every mapped field resolved', () => {
    const cfg = loadSyncConfig(DEFAULT_PATH);
    expect(Object.keys(cfg.fields).sort()).toEqual([...MAPPED_FIELDS].sort());
    expect(cfg.fields.name.policy).toEqual({ kind: 'lww', clockSkewMs: 5000, tiePriority: 'crm' });
    expect(cfg.fields.mobile.policy).toEqual({ kind: 'siagh-wins' });
    expect(cfg.fields.firstName.direction).toBe('none');
    expect(cfg.deletes).toEqual({ crmToSiagh: 'deactivate', siaghToCrm: 'ignore' });
    expect(cfg.preInvoice.documentType).toBe(2);
  });

  it('finds the default file from SYNC_CONFIG_PATH', () => {
    expect(loadSyncConfig(undefined, { SYNC_CONFIG_PATH: DEFAULT_PATH }).fields.email.siagh).toBe('email');
  });

  it('names the path of a bad policy and lists the allowed values', () => {
    const file = defaultFile();
    file.fields.mobile.policy = 'newest';
    expect(issuesOf(file)).toEqual([
      'fields.mobile.policy: expected one of lww, crm-wins, siagh-wins, manual',
    ]);
  });

  it('lists every problem at once', () => {
    const file = defaultFile();
    file.fields.email.direction = 'sideways';
    file.deletes.crmToSiagh = 'shred';
    file.defaults.lww.clockSkewMs = -1;
    file.fields.bogus = { crm: 'x', siagh: 'x' };
    const issues = issuesOf(file);
    expect(issues).toHaveLength(4);
    expect(issues).toEqual(
      expect.arrayContaining([
        'fields.email.direction: expected one of both, crm-to-siagh, siagh-to-crm, none',
        'deletes.crmToSiagh: expected one of propagate, deactivate, ignore',
        expect.stringMatching(/^defaults\.lww\.clockSkewMs: /),
        expect.stringMatching(/^fields: Unrecognized key/),
      ]),
    );
  });

  it('refuses a direction that needs a side the field does not map', () => {
    const file = defaultFile();
    file.fields.city.direction = 'both';
    expect(issuesOf(file)).toEqual([
      'fields.city.direction: "both" needs a siagh field (or direction: none)',
    ]);
  });

  it('refuses deactivate toward a side without an active field', () => {
    const file = defaultFile();
    file.deletes.siaghToCrm = 'deactivate';
    expect(issuesOf(file)).toEqual([
      'deletes.siaghToCrm: deactivate needs fields.active.crm (the crm has nowhere to store "inactive")',
    ]);
  });

  it('refuses an invalid crm path', () => {
    const file = defaultFile();
    file.fields.email.crm = 'phoneContacts[].x';
    expect(issuesOf(file)[0]).toMatch(/^fields\.email\.crm: invalid path segment/);
  });

  it('merges per-field lww overrides over the defaults', () => {
    const file = defaultFile();
    file.fields.email.lww = { tiePriority: 'siagh' };
    expect(parseSyncConfig(file).fields.email.policy).toEqual({
      kind: 'lww',
      clockSkewMs: 5000,
      tiePriority: 'siagh',
    });
  });

  it('reports missing files and bad YAML as typed errors', () => {
    const dir = mkdtempSync(join(tmpdir(), 'synccfg-'));
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'fields: [unclosed');
    expect(thrownCode(() => loadSyncConfig(join(dir, 'none.yaml')))).toBe('CONFIG_NOT_FOUND');
    expect(thrownCode(() => loadSyncConfig(bad))).toBe('CONFIG_INVALID');
  });

  it('tells which way a field flows', () => {
    const cfg = loadSyncConfig(DEFAULT_PATH);
    expect(flowsTo(cfg.fields.name, 'siagh')).toBe(true);
    expect(flowsTo(cfg.fields.firstName, 'siagh')).toBe(false);
  });
});
