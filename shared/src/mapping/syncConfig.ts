// The sync config: which CRM property and which Siagh form field hold each canonical field, in which
// direction it flows and how a conflict on it is settled; delete policies; pre-invoice mapping.
// The file (config/sync.default.yaml documents every key) is validated at the edge: a bad file fails at
// start-up with one message listing every problem by its path, never half-applies.

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { permanent } from '../errors';
import { CANONICAL_FIELDS, type CanonicalField } from './canonical';
import { parseCrmPath } from './crmPath';

/** Fields the config maps: every canonical field but `customerNumber` and `kind`, which are the link itself. */
export type MappedField = Exclude<CanonicalField, 'customerNumber' | 'kind'>;
export const MAPPED_FIELDS: readonly MappedField[] = CANONICAL_FIELDS.filter(
  (f): f is MappedField => f !== 'customerNumber' && f !== 'kind',
);

const oneOf = <U extends string, T extends Readonly<[U, ...U[]]>>(values: T) =>
  z.enum(values, { errorMap: () => ({ message: `expected one of ${values.join(', ')}` }) });

const DIRECTIONS = ['both', 'crm-to-siagh', 'siagh-to-crm', 'none'] as const;
const POLICIES = ['lww', 'crm-wins', 'siagh-wins', 'manual'] as const;
const DELETE_POLICIES = ['propagate', 'deactivate', 'ignore'] as const;
export type Direction = (typeof DIRECTIONS)[number];
export type DeletePolicy = (typeof DELETE_POLICIES)[number];
export type Side = 'crm' | 'siagh';

export type ConflictPolicy =
  | { kind: 'lww'; clockSkewMs: number; tiePriority: Side }
  | { kind: 'crm-wins' }
  | { kind: 'siagh-wins' }
  | { kind: 'manual' };

const lwwSchema = z
  .object({ clockSkewMs: z.number().int().min(0).max(86_400_000), tiePriority: oneOf(['crm', 'siagh']) })
  .strict();

const crmPathSchema = z.string().superRefine((path, ctx) => {
  try {
    parseCrmPath(path);
  } catch (e) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: (e as Error).message });
  }
});

const fieldSchema = z
  .object({
    crm: crmPathSchema.nullable(),
    siagh: z
      .string()
      .regex(/^[a-z_][a-z0-9_]*$/, 'expected a lowercase gn_web_users field name like mobileno')
      .nullable(),
    direction: oneOf(DIRECTIONS).optional(),
    policy: oneOf(POLICIES).optional(),
    lww: lwwSchema.partial().optional(),
  })
  .strict();

const preInvoiceSchema = z
  .object({
    documentType: z.number().int().positive(),
    documentTypeName: z.string().min(1),
    saleModel: z.object({ fromTypeCode: z.boolean(), default: z.number().int().positive() }).strict(),
    paymentType: z.number().int().nonnegative(),
    unitName: z.string(),
    products: z.record(z.string().min(1), z.string().regex(/^[A-Za-z0-9_-]+$/, 'expected a Siagh codekala')),
    unmappedProduct: oneOf(['reject', 'passthrough']),
    documentNumberField: crmPathSchema,
    // A quote edited after its pre-invoice was sent: `update` edits the Siagh document (a finalized one
    // refuses, and the edit becomes an open conflict); `conflict` never edits, every such edit is a conflict.
    editAfterSend: oneOf(['update', 'conflict']).default('update'),
  })
  .strict();

const fileSchema = z
  .object({
    version: z.literal(1),
    defaults: z.object({ direction: oneOf(DIRECTIONS), policy: oneOf(POLICIES), lww: lwwSchema }).strict(),
    fields: z
      .object(
        Object.fromEntries(MAPPED_FIELDS.map((f) => [f, fieldSchema])) as Record<
          MappedField,
          typeof fieldSchema
        >,
      )
      .strict(),
    deletes: z.object({ crmToSiagh: oneOf(DELETE_POLICIES), siaghToCrm: oneOf(DELETE_POLICIES) }).strict(),
    preInvoice: preInvoiceSchema,
  })
  .strict()
  .superRefine((cfg, ctx) => {
    for (const name of MAPPED_FIELDS) {
      const f = cfg.fields[name];
      const direction = f.direction ?? cfg.defaults.direction;
      const needsCrm = direction === 'both' || direction === 'siagh-to-crm';
      const needsSiagh = direction === 'both' || direction === 'crm-to-siagh';
      if ((needsCrm && f.crm === null) || (needsSiagh && f.siagh === null)) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          path: ['fields', name, 'direction'],
          message: `"${direction}" needs ${needsCrm && f.crm === null ? 'a crm path' : 'a siagh field'} (or direction: none)`,
        });
      }
    }
    const deactivateNeeds: [keyof typeof cfg.deletes, Side][] = [
      ['crmToSiagh', 'siagh'],
      ['siaghToCrm', 'crm'],
    ];
    for (const [key, side] of deactivateNeeds) {
      if (cfg.deletes[key] === 'deactivate' && cfg.fields.active[side] === null) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          path: ['deletes', key],
          message: `deactivate needs fields.active.${side} (the ${side} has nowhere to store "inactive")`,
        });
      }
    }
  });

export type SyncConfigFile = z.infer<typeof fileSchema>;

export interface FieldRule {
  field: MappedField;
  /** CRM path (see crmPath.ts) or null when the CRM does not carry the field. */
  crm: string | null;
  /** Siagh gn_web_users field (lowercase, as in ctrlValues) or null. */
  siagh: string | null;
  direction: Direction;
  policy: ConflictPolicy;
}

export interface SyncConfig {
  fields: Record<MappedField, FieldRule>;
  deletes: { crmToSiagh: DeletePolicy; siaghToCrm: DeletePolicy };
  preInvoice: SyncConfigFile['preInvoice'];
}

function resolvePolicy(
  name: (typeof POLICIES)[number],
  lww: SyncConfigFile['defaults']['lww'],
  override?: { clockSkewMs?: number | undefined; tiePriority?: Side | undefined },
): ConflictPolicy {
  if (name !== 'lww') return { kind: name };
  return {
    kind: 'lww',
    clockSkewMs: override?.clockSkewMs ?? lww.clockSkewMs,
    tiePriority: override?.tiePriority ?? lww.tiePriority,
  };
}

/** Validates a parsed config object; throws a permanent CONFIG_INVALID listing every issue as `path: message`. */
export function parseSyncConfig(input: unknown, source = 'sync config'): SyncConfig {
  const result = fileSchema.safeParse(input);
  if (!result.success) {
    const issues = result.error.issues.map(
      (i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`,
    );
    throw permanent('CONFIG_INVALID', `${source} is invalid:\n  ${issues.join('\n  ')}`, {
      details: { issues },
    });
  }
  const cfg = result.data;
  const fields = Object.fromEntries(
    MAPPED_FIELDS.map((name): [MappedField, FieldRule] => {
      const f = cfg.fields[name];
      return [
        name,
        {
          field: name,
          crm: f.crm,
          siagh: f.siagh,
          direction: f.direction ?? cfg.defaults.direction,
          policy: resolvePolicy(f.policy ?? cfg.defaults.policy, cfg.defaults.lww, f.lww),
        },
      ];
    }),
  ) as Record<MappedField, FieldRule>;
  return { fields, deletes: cfg.deletes, preInvoice: cfg.preInvoice };
}

/** Walks up from `start` to find config/sync.default.yaml (services run from the repo root or their folder). */
function findDefaultConfig(start: string): string | undefined {
  let dir = resolve(start);
  for (;;) {
    const candidate = join(dir, 'config', 'sync.default.yaml');
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/**
 * Loads and validates the config from `path`, else `SYNC_CONFIG_PATH`, else the repository's
 * config/sync.default.yaml. YAML or JSON (JSON is YAML).
 */
export function loadSyncConfig(path?: string, env: NodeJS.ProcessEnv = process.env): SyncConfig {
  const file = path ?? env.SYNC_CONFIG_PATH ?? findDefaultConfig(process.cwd());
  if (file === undefined || !existsSync(file)) {
    throw permanent(
      'CONFIG_NOT_FOUND',
      `sync config not found: ${file ?? 'config/sync.default.yaml (searched upwards from the working directory)'}`,
    );
  }
  let parsed: unknown;
  try {
    parsed = parseYaml(readFileSync(file, 'utf8'));
  } catch (e) {
    throw permanent('CONFIG_INVALID', `${file} is not valid YAML: ${(e as Error).message}`, { cause: e });
  }
  return parseSyncConfig(parsed, file);
}

/** Whether a field flows toward `target` under its direction. */
export function flowsTo(rule: FieldRule, target: Side): boolean {
  if (rule.direction === 'both') return true;
  return target === 'siagh' ? rule.direction === 'crm-to-siagh' : rule.direction === 'siagh-to-crm';
}
