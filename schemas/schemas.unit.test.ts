import fs from 'node:fs';
import path from 'node:path';
import avro from 'avsc';
import { AVRO_DIR, SCHEMA_NAMES, selfContainedSchema } from './index';

// Every published version of each schema is kept in avro/history/<Name>.v<N>.json. The current
// schema must read data written with EVERY earlier version (BACKWARD_TRANSITIVE): a consumer that is
// upgraded first, or a replay from offset 0, meets all of them. When a schema changes, add its new
// version to history in the same commit.

const HISTORY = path.join(AVRO_DIR, 'history');

describe('Avro schemas', () => {
  it.each(SCHEMA_NAMES)('%s is a valid, self-contained Avro schema', (name) => {
    const type = avro.Type.forSchema(selfContainedSchema(name) as avro.Schema);
    expect(type.name).toBe(`siaghsync.${name}`);
  });

  it.each(SCHEMA_NAMES)('%s reads every historical version (backward transitive)', (name) => {
    const current = avro.Type.forSchema(selfContainedSchema(name) as avro.Schema);
    const versions = fs.readdirSync(HISTORY).filter((f) => f.startsWith(`${name}.v`));
    expect(versions.length).toBeGreaterThan(0);
    for (const v of versions) {
      const old = avro.Type.forSchema(
        JSON.parse(fs.readFileSync(path.join(HISTORY, v), 'utf8')) as avro.Schema,
      );
      expect(() => current.createResolver(old)).not.toThrow();
    }
  });

  it('the latest history entry equals the current schema (no unrecorded change)', () => {
    for (const name of SCHEMA_NAMES) {
      const versions = fs
        .readdirSync(HISTORY)
        .filter((f) => f.startsWith(`${name}.v`))
        .sort((a, b) => Number(/\.v(\d+)/.exec(a)![1]) - Number(/\.v(\d+)/.exec(b)![1]));
      const latest = JSON.parse(fs.readFileSync(path.join(HISTORY, versions.at(-1)!), 'utf8')) as unknown;
      expect({ name, schema: latest }).toEqual({ name, schema: selfContainedSchema(name) });
    }
  });

  it('a change that drops a default is detected as incompatible (the check can fail)', () => {
    const old = avro.Type.forSchema({
      type: 'record',
      name: 'X',
      fields: [{ name: 'a', type: 'string' }],
    });
    const breaking = avro.Type.forSchema({
      type: 'record',
      name: 'X',
      fields: [
        { name: 'a', type: 'string' },
        { name: 'b', type: 'int' },
      ],
    });
    expect(() => breaking.createResolver(old)).toThrow();
  });
});
