import { COMPATIBILITY, SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { SCHEMA_NAMES, selfContainedSchema, subjectFor, type SchemaName } from '@siaghsync/schemas';
import { permanent, transient } from './errors';
import { decodeWire } from './wireDecode';
import { registryHeaders, type RegistryAuth } from './kafka/connection';

/**
 * Avro codec over the Confluent-compatible registry. Schemas are registered at start-up with
 * BACKWARD compatibility (a consumer on the new schema reads every record written with an old one),
 * so an incompatible change fails at deploy time, not when the first record arrives.
 */
export class EventCodec {
  private readonly ids = new Map<SchemaName, number>();
  readonly registry: SchemaRegistry;

  constructor(
    readonly url: string,
    private readonly auth?: RegistryAuth,
  ) {
    this.registry = new SchemaRegistry({
      host: url,
      retry: { retries: 3 },
      ...(auth && { auth: { ...auth } }),
    });
  }

  async registerAll(names: readonly SchemaName[] = SCHEMA_NAMES): Promise<Map<SchemaName, number>> {
    for (const name of names) {
      const subject = subjectFor(name);
      await this.setCompatibility(subject, COMPATIBILITY.BACKWARD);
      try {
        const { id } = await this.registry.register(
          { type: SchemaType.AVRO, schema: JSON.stringify(selfContainedSchema(name)) },
          { subject, compatibility: COMPATIBILITY.BACKWARD },
        );
        this.ids.set(name, id);
      } catch (err) {
        const status = (err as { status?: number }).status;
        if (status === 409) {
          throw permanent(
            'SCHEMA_INCOMPATIBLE',
            `schema ${name} is not backward compatible with ${subject}`,
            {
              cause: err,
            },
          );
        }
        throw transient('SCHEMA_REGISTRY_UNAVAILABLE', `cannot register ${name}: ${(err as Error).message}`, {
          cause: err,
        });
      }
    }
    return this.ids;
  }

  /** Sets the subject's level up front: the client refuses to register when it differs. */
  async setCompatibility(subject: string, level: COMPATIBILITY): Promise<void> {
    const res = await fetch(`${this.url}/config/${encodeURIComponent(subject)}`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/vnd.schemaregistry.v1+json', ...registryHeaders(this.auth) },
      body: JSON.stringify({ compatibility: level }),
    });
    if (!res.ok) {
      throw transient(
        'SCHEMA_REGISTRY_UNAVAILABLE',
        `PUT config ${subject}: HTTP ${res.status} ${await res.text()}`,
      );
    }
  }

  idOf(name: SchemaName): number {
    const id = this.ids.get(name);
    if (id === undefined) throw new Error(`schema ${name} was not registered at start-up`);
    return id;
  }

  async encode<T>(name: SchemaName, value: T): Promise<Buffer> {
    try {
      return await this.registry.encode(this.idOf(name), value);
    } catch (err) {
      throw permanent('EVENT_ENCODE_FAILED', `cannot encode ${name}: ${(err as Error).message}`, {
        cause: err,
      });
    }
  }

  /** Throws a SyncError whose kind says whose fault it is: the record's (permanent) or the registry's. */
  async decode<T>(buffer: Buffer): Promise<T> {
    return decodeWire<T>(this.registry, buffer);
  }
}
