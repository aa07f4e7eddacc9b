import { authError, permanent, transient, type SyncError } from './errors';

// Decoding a Confluent-framed record in its three stages, each failing with its own kind, so a consumer
// can tell "this record is garbage" (quarantine it, move on) from "the registry cannot answer now"
// (retry, never skip). The client library throws the same ResponseError for both a missing schema and
// a refused connection (mappersmith reports the latter as HTTP 400), so the stage is what classifies,
// not the message.

/** magic byte 0, 4-byte big-endian schema id, then the payload. */
const HEADER_BYTES = 5;

export interface WireHeader {
  schemaId: number;
  payload: Buffer;
}

/** The framing; anything else is not one of our records (permanent NOT_WIRE_FORMAT). */
export function wireHeader(buffer: Buffer): WireHeader {
  if (buffer.length < HEADER_BYTES) {
    throw permanent('NOT_WIRE_FORMAT', `record of ${buffer.length} bytes is shorter than the wire header`);
  }
  if (buffer[0] !== 0) {
    throw permanent('NOT_WIRE_FORMAT', `magic byte is ${buffer[0]}, expected 0 (not Confluent wire format)`);
  }
  return { schemaId: buffer.readInt32BE(1), payload: buffer.subarray(HEADER_BYTES) };
}

/**
 * Any failure fetching a schema is the registry's, never the record's: not reachable, 5xx, and also
 * 404 (during a rolling upgrade a new producer's schema id reaches a consumer whose registry replica,
 * or cache, does not have it yet). Only 401/403 are told apart (auth: a person must fix credentials).
 */
export function registryFailure(err: unknown, schemaId: number): SyncError {
  const status = (err as { status?: unknown }).status;
  const message = `schema ${schemaId} not available from the registry: ${(err as Error).message ?? String(err)}`;
  if (status === 401 || status === 403) return authError('SCHEMA_REGISTRY_AUTH', message, { cause: err });
  return transient(status === 404 ? 'SCHEMA_NOT_FOUND_YET' : 'SCHEMA_REGISTRY_UNAVAILABLE', message, {
    cause: err,
    details: { schemaId, ...(typeof status === 'number' ? { status } : {}) },
  });
}

/** What a registry client must offer: the writer's schema by id (cached by the client). */
export interface SchemaSource {
  getSchema(id: number): Promise<{ fromBuffer(buffer: Buffer): unknown }>;
}

/**
 * Decodes a record, throwing a SyncError: permanent for the record's own faults (framing, a payload
 * that does not match its schema, `check` refusing it), transient or auth for the registry's.
 */
export async function decodeWire<T>(
  registry: SchemaSource,
  buffer: Buffer,
  check?: (value: unknown) => T,
): Promise<T> {
  const { schemaId, payload } = wireHeader(buffer);
  let schema: { fromBuffer(buffer: Buffer): unknown };
  try {
    schema = await registry.getSchema(schemaId);
  } catch (err) {
    throw registryFailure(err, schemaId);
  }
  let value: unknown;
  try {
    value = schema.fromBuffer(payload);
  } catch (err) {
    throw permanent(
      'PAYLOAD_SCHEMA_MISMATCH',
      `payload does not decode with schema ${schemaId}: ${(err as Error).message}`,
      {
        cause: err,
        details: { schemaId },
      },
    );
  }
  if (!check) return value as T;
  try {
    return check(value);
  } catch (err) {
    throw permanent(
      'INVALID_EVENT',
      `schema ${schemaId} record fails validation: ${(err as Error).message}`,
      {
        cause: err,
        details: { schemaId },
      },
    );
  }
}
