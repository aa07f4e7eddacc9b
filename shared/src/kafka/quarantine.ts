import type { IHeaders } from 'kafkajs';
import type { KafkaMessage, Message } from './client';
import type { SyncError } from '../errors';

// A record no consumer can decode is kept, not skipped: on the quarantine topic, byte for byte (key,
// value and its own headers), so an operator can inspect it and, once the cause is fixed, produce it back
// unchanged. Where it came from and why rides in headers of our own, prefixed so they cannot collide
// with the record's. The value is NOT re-encoded: the registry may be what could not read it.

export const QUARANTINE_HEADER_PREFIX = 'x-siaghsync-quarantine-';

export interface QuarantineSource {
  topic: string;
  partition: number;
  /** The consumer group (or service) that gave up on it: two groups may each quarantine one record. */
  consumer: string;
}

export function quarantineMessage(
  source: QuarantineSource,
  message: Pick<KafkaMessage, 'key' | 'value' | 'headers' | 'offset' | 'timestamp'>,
  reason: SyncError,
  now: number,
): Message {
  const h = (name: string) => `${QUARANTINE_HEADER_PREFIX}${name}`;
  const headers: IHeaders = { ...(message.headers ?? {}) };
  headers[h('topic')] = source.topic;
  headers[h('partition')] = String(source.partition);
  headers[h('offset')] = message.offset;
  headers[h('timestamp')] = message.timestamp;
  headers[h('consumer')] = source.consumer;
  headers[h('reason')] = reason.code;
  headers[h('kind')] = reason.kind;
  headers[h('message')] = reason.message.slice(0, 1000);
  headers[h('at')] = new Date(now).toISOString();
  return { key: message.key, value: message.value, headers };
}

/** The coordinates and reason of a quarantined record, for tests and tools that read the topic back. */
export function quarantineInfo(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers ?? {})) {
    if (k.startsWith(QUARANTINE_HEADER_PREFIX) && v !== undefined)
      out[k.slice(QUARANTINE_HEADER_PREFIX.length)] = String(v);
  }
  return out;
}
