// Restores one source's tracked state from the compacted poller-state topic: read from offset 0 up to
// the end offset taken at start, latest value per key wins, tombstones remove. Read committed, so a
// sweep whose transaction never committed is invisible and will simply be detected again.

import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import type { Logger } from '@siaghsync/shared/logger';
import type { SourceSystem } from '@siaghsync/shared/events';
import { emptyState, type TrackedState } from './diff';
import { decodeState, emptyMeta, type SourceMeta } from './stateCodec';

export interface Restored {
  state: TrackedState;
  meta: SourceMeta;
  messagesRead: number;
  durationMs: number;
}

export async function restoreState(
  kafka: Kafka,
  topic: string,
  source: SourceSystem,
  logger: Logger,
  timeoutMs = 120_000,
): Promise<Restored> {
  const started = Date.now();
  const admin = kafka.admin();
  await admin.connect();
  let end: bigint;
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    end = BigInt(offsets.find((o) => o.partition === 0)?.high ?? '0');
  } finally {
    await admin.disconnect();
  }
  const state = emptyState();
  let meta = emptyMeta();
  let messagesRead = 0;
  if (end === 0n) return { state, meta, messagesRead, durationMs: Date.now() - started };

  // A throwaway group that commits nothing: kafkajs has no manual assignment.
  const consumer = kafka.consumer({
    groupId: `siaghsync-poller-restore-${randomUUID()}`,
    readUncommitted: false,
  });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`poller state restore did not reach offset ${end} within ${timeoutMs} ms`)),
        timeoutMs,
      );
      const done = (lastOffset: string | null | undefined) => {
        if (lastOffset != null && BigInt(lastOffset) >= end - 1n) {
          clearTimeout(timer);
          resolve();
        }
      };
      // Batches of only control records (transaction markers) reach no handler, but do emit this event.
      consumer.on(consumer.events.END_BATCH_PROCESS, (e) => done(e.payload.lastOffset));
      consumer
        .run({
          autoCommit: false,
          eachMessage: ({ message }) => {
            messagesRead++;
            const d = decodeState(message.key?.toString() ?? '', message.value);
            if (d.kind === 'meta' && d.source === source) meta = d.value ?? emptyMeta();
            if (d.kind !== 'record' || d.source !== source) return Promise.resolve();
            if (d.value === null) {
              state.hashes.delete(d.id);
              state.missing.delete(d.id);
            } else {
              state.hashes.set(d.id, d.value.hash);
              if (d.value.missing) state.missing.add(d.id);
              else state.missing.delete(d.id);
            }
            return Promise.resolve();
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  state.lastCompleteCount = meta.lastCompleteCount;
  const durationMs = Date.now() - started;
  logger.info(
    { source, tracked: state.hashes.size, missing: state.missing.size, messagesRead, durationMs },
    'poller state restored',
  );
  return { state, meta, messagesRead, durationMs };
}
