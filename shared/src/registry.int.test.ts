import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { SCHEMA_NAMES, subjectFor } from '@siaghsync/schemas';
import { requireEnv, uniqueName } from '../../test/harness/names';
import { sampleChange, sampleWork } from '../../test/fixtures/events';
import type { ChangeEvent, DeadLetter, WorkEvent } from './events';
import { EventCodec } from './registry';

const url = () => requireEnv('SCHEMA_REGISTRY_URL');

describe('schema registry (real server)', () => {
  it('registers every schema and round-trips events through Avro', async () => {
    const codec = new EventCodec(url());
    const ids = await codec.registerAll();
    expect([...ids.keys()].sort()).toEqual([...SCHEMA_NAMES].sort());

    const change = sampleChange({ snapshot: JSON.stringify({ firstName: 'علي', lastName: 'كريمي' }) });
    const buf = await codec.encode('ChangeEvent', change);
    expect(buf[0]).toBe(0); // Confluent wire format: magic byte, then the 4-byte schema id
    expect(buf.readInt32BE(1)).toBe(codec.idOf('ChangeEvent'));
    expect(await codec.decode<ChangeEvent>(buf)).toEqual(change);

    // A fresh client (another service) decodes by fetching the schema by id from the server.
    const other = new EventCodec(url());
    const work: WorkEvent = sampleWork();
    expect(await other.decode<WorkEvent>(await codec.encode('WorkEvent', work))).toEqual(work);

    const dead: DeadLetter = {
      deadLetterId: 'd-1',
      canonicalKey: 'customer:1231',
      entityType: 'customer',
      correlationId: 'c-1',
      reasonCode: 'SIAGH_DUPLICATE_PHONE',
      errorKind: 'permanent',
      message: 'duplicate phone',
      sourceMessage: 'شماره تلفن نمی تواند تکراری باشد.',
      attempts: 1,
      firstFailedAt: 1,
      lastFailedAt: 2,
      originalTopic: 'siaghsync.work',
      originalPartition: 3,
      originalOffset: '42',
      event: work,
    };
    expect(await other.decode<DeadLetter>(await codec.encode('DeadLetter', dead))).toEqual(dead);
  });

  it('registering the same schemas again is idempotent (same ids)', async () => {
    const a = await new EventCodec(url()).registerAll();
    const b = await new EventCodec(url()).registerAll();
    expect([...b.entries()]).toEqual([...a.entries()]);
    expect(subjectFor('ChangeEvent')).toBe('siaghsync.ChangeEvent');
  });

  it('accepts a backward-compatible change and refuses an incompatible one', async () => {
    const subject = uniqueName('compat');
    const codec = new EventCodec(url());
    await codec.setCompatibility(subject, 'BACKWARD' as never);
    const registry = new SchemaRegistry({ host: url() });
    const v1 = { type: 'record', name: 'Probe', namespace: 'test', fields: [{ name: 'a', type: 'string' }] };
    const withDefault = {
      ...v1,
      fields: [...v1.fields, { name: 'b', type: ['null', 'string'], default: null }],
    };
    const withoutDefault = { ...v1, fields: [...v1.fields, { name: 'c', type: 'int' }] };
    const retyped = { ...v1, fields: [{ name: 'a', type: 'int' }] };

    const opts = { subject, compatibility: 'BACKWARD' as never };
    const r1 = await registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(v1) }, opts);
    const r2 = await registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(withDefault) }, opts);
    expect(r2.id).not.toBe(r1.id);

    for (const bad of [withoutDefault, retyped]) {
      const check = await fetch(`${url()}/compatibility/subjects/${subject}/versions/latest`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/vnd.schemaregistry.v1+json' },
        body: JSON.stringify({ schema: JSON.stringify(bad) }),
      });
      expect(check.status).toBe(200);
      expect(((await check.json()) as { is_compatible: boolean }).is_compatible).toBe(false);
      await expect(
        registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(bad) }, opts),
      ).rejects.toMatchObject({ status: 409 });
    }
    const good = await fetch(`${url()}/compatibility/subjects/${subject}/versions/latest`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/vnd.schemaregistry.v1+json' },
      body: JSON.stringify({ schema: JSON.stringify({ ...withDefault, doc: 'unchanged shape' }) }),
    });
    expect(((await good.json()) as { is_compatible: boolean }).is_compatible).toBe(true);
  });
});
