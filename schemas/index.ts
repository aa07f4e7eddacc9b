import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// The Avro schemas of every event, one file per record. Files refer to each other's named types
// ("siaghsync.ChangeEvent"); the registry gets each root schema SELF-CONTAINED (named types inlined
// at first use) so that no client has to resolve schema references.

export const SCHEMA_NAMES = [
  'ChangeEvent',
  'WorkEvent',
  'CreateIntent',
  'Link',
  'EntityState',
  'SyncOutcome',
  'Conflict',
  'ConflictResolution',
  'DeadLetter',
] as const;
export type SchemaName = (typeof SCHEMA_NAMES)[number];

export const NAMESPACE = 'siaghsync';
export const AVRO_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'avro');

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function readSchemaFile(file: string): Json {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as Json;
}

/** Every named type (record, enum, fixed) defined anywhere in the catalogue, by full name. */
export function namedTypes(dir = AVRO_DIR): Map<string, Json> {
  const named = new Map<string, Json>();
  const visit = (node: Json, ns: string): void => {
    if (Array.isArray(node)) return node.forEach((n) => visit(n, ns));
    if (node === null || typeof node !== 'object') return;
    const t = node.type;
    if ((t === 'record' || t === 'enum' || t === 'fixed') && typeof node.name === 'string') {
      const space = typeof node.namespace === 'string' ? node.namespace : ns;
      const full = node.name.includes('.') ? node.name : `${space}.${node.name}`;
      named.set(full, node);
      if (t === 'record' && Array.isArray(node.fields)) {
        for (const f of node.fields)
          if (f && typeof f === 'object' && !Array.isArray(f)) visit(f.type ?? null, space);
      }
      return;
    }
    if (typeof t === 'object') visit(t, ns);
    if (node.items !== undefined) visit(node.items, ns);
    if (node.values !== undefined) visit(node.values, ns);
  };
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.avsc'))) {
    visit(readSchemaFile(path.join(dir, file)), NAMESPACE);
  }
  return named;
}

/** The root schema with every referenced named type inlined once, as the registry will store it. */
export function selfContainedSchema(name: SchemaName, dir = AVRO_DIR): Record<string, Json> {
  const catalogue = namedTypes(dir);
  const root = readSchemaFile(path.join(dir, `${name}.avsc`));
  const defined = new Set<string>();
  const fullName = (n: string) => (n.includes('.') ? n : `${NAMESPACE}.${n}`);

  const inline = (node: Json): Json => {
    if (typeof node === 'string') {
      const full = fullName(node);
      if (catalogue.has(full) && !defined.has(full)) return inline(structuredClone(catalogue.get(full)!));
      return node;
    }
    if (Array.isArray(node)) return node.map(inline);
    if (node === null || typeof node !== 'object') return node;
    const out: Record<string, Json> = { ...node };
    const t = node.type;
    if ((t === 'record' || t === 'enum' || t === 'fixed') && typeof node.name === 'string') {
      const full = fullName(
        typeof node.namespace === 'string' ? `${node.namespace}.${node.name}` : node.name,
      );
      // A definition written inline in its file, met again through another root: refer by name.
      if (defined.has(full)) return full;
      defined.add(full);
    }
    if (t !== undefined && typeof t !== 'string') out.type = inline(t);
    else if (typeof t === 'string' && !['record', 'enum', 'fixed', 'array', 'map'].includes(t))
      out.type = inline(t);
    if (Array.isArray(node.fields)) out.fields = node.fields.map((f) => inline(f));
    if (node.items !== undefined) out.items = inline(node.items);
    if (node.values !== undefined) out.values = inline(node.values);
    return out;
  };
  return inline(root) as Record<string, Json>;
}

/** Subjects follow the record-name strategy, so topics (prefixed per test) share one subject per type. */
export const subjectFor = (name: SchemaName): string => `${NAMESPACE}.${name}`;
