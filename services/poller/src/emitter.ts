// Emits change events and the poller state that records them in ONE Kafka transaction per chunk: either
// both become visible or neither, so a crash can neither lose a change (state ahead of events) nor
// replay a committed one (events ahead of state). The transactional id is fixed per source, so a new
// active poller fences a zombie predecessor: its next commit fails instead of interleaving.

import type { Message, Producer } from 'kafkajs';
import type { EventCodec } from '@siaghsync/shared/registry';
import { sourceKey, type ChangeEvent } from '@siaghsync/shared/events';
import { signSnapshot } from '@siaghsync/shared/operator/snapshotSignature';

const ABORT_TIMEOUT_MS = 30_000;

/** One record's outcome: its event (if any) and its state update (if any). */
export interface Emission {
  event: ChangeEvent | null;
  state: Message | null;
}

export interface EmitTarget {
  producer: Producer;
  codec: EventCodec;
  changesTopic: string;
  stateTopic: string;
  /** Records per transaction (bounds the transaction size and the work redone after a crash). */
  chunkSize: number;
  /** OPERATOR_EVENT_KEY: signs each snapshot, so the syncer may decide on it without a read. */
  snapshotKey?: string | undefined;
}

/** Sends every emission; `tail` (the sweep's meta) goes with the last chunk. Returns events sent. */
export async function emitAll(
  t: EmitTarget,
  emissions: readonly Emission[],
  tail: Message[],
): Promise<number> {
  let sent = 0;
  const total = Math.max(1, Math.ceil(emissions.length / t.chunkSize));
  for (let i = 0; i < total; i++) {
    const chunk = emissions.slice(i * t.chunkSize, (i + 1) * t.chunkSize);
    const events: Message[] = [];
    const states: Message[] = [];
    for (const e of chunk) {
      if (e.event) {
        events.push({
          key: sourceKey(e.event.source, e.event.sourceId),
          value: await t.codec.encode('ChangeEvent', signSnapshot(e.event, t.snapshotKey)),
          headers: { eventId: e.event.eventId, correlationId: e.event.correlationId },
        });
      }
      if (e.state) states.push(e.state);
    }
    if (i === total - 1) states.push(...tail);
    if (events.length === 0 && states.length === 0) continue;
    const tx = await t.producer.transaction();
    try {
      // Events first within the transaction: order is irrelevant to readers (all or nothing), but it keeps
      // the log readable when inspecting an aborted run.
      for (let j = 0; j < events.length; j += 200) {
        await tx.send({ topic: t.changesTopic, messages: events.slice(j, j + 200), acks: -1 });
      }
      for (let j = 0; j < states.length; j += 1000) {
        await tx.send({ topic: t.stateTopic, messages: states.slice(j, j + 1000), acks: -1 });
      }
      await tx.commit();
    } catch (err) {
      // Bounded: an abort that never returns (seen on Kafka 4.1 after a restart) must not hang the sweep;
      // the runner then replaces the producer (runner.ts isStuckTransaction).
      await Promise.race([tx.abort(), new Promise((r) => setTimeout(r, ABORT_TIMEOUT_MS).unref())]).catch(
        () => undefined,
      );
      throw err;
    }
    sent += events.length;
  }
  return sent;
}
