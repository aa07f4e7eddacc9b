// How long each live Siagh edit waited for the poll that saw it, from the pipeline's own log: Siagh sends
// no webhooks, so an edit reaches the pipeline only with the first GetAll that returns it, and no
// pipeline can carry it sooner. The first change in `changes` whose snapshot holds the edit's new email
// names that GetAll (attributes.readStartedAt, when the poller began it). What the edit took beyond that
// is the pipeline's own delay: the GetAll itself, the poller's diff, routing, the syncer and the CRM write,
// each told apart from the times the pipeline wrote (`stages`: all clocks are this machine's).
import type { Kafka } from '../../shared/src/kafka/index';
import { topicName } from '../../shared/src/kafka/index';
import type { ChangeEvent, SyncOutcome, WorkEvent } from '../../shared/src/events';
import type { EventCodec } from '../../shared/src/registry';
import { readTopicToEnd } from '../../test/harness/readTopic';
import type { SiaghArrival } from './liveEdits';

export interface PollSplit {
  /** Edit to the start of the GetAll that returned it, ms. */
  waitForPoll: number;
  /** That GetAll's start to the edit's arrival in the CRM, ms. */
  afterPoll: number;
  /** Where afterPoll went, when the change's work event and synced outcome were found. */
  stages?: AfterPollStages;
}

export interface AfterPollStages {
  /** GetAll begun -> the change written to `changes` (the exchange, parsing, the diff, the emit). */
  poll: number;
  /** Written to `changes` -> the router wrote its work event (the router's queue and its own work). */
  route: number;
  /** Routed -> the syncer began to handle it (its lane's queue). */
  queue: number;
  /** The syncer's handling: reads, decide, the CRM write. */
  handle: number;
  /** The outcome -> the bench saw the new value in the CRM (its own polling of the CRM). */
  seen: number;
}

export async function pollWaits(
  kafka: Kafka,
  codec: EventCodec,
  prefix: string,
  arrived: readonly SiaghArrival[],
): Promise<PollSplit[]> {
  const want = new Map(arrived.map((a) => [a.email.toLowerCase(), a]));
  const seen = new Map<string, { started: number; writtenAt: number; correlationId: string }>();
  await readTopicToEnd(kafka, topicName('changes', prefix), async (m) => {
    if (!m.value) return;
    const c = await codec.decode<ChangeEvent>(m.value);
    if (c.source !== 'siagh' || c.snapshot === null) return;
    const raw = JSON.parse(c.snapshot) as { Email?: unknown };
    const email = typeof raw.Email === 'string' ? raw.Email.toLowerCase() : undefined;
    const started = Number(c.attributes.readStartedAt);
    if (!email || !want.has(email) || !Number.isFinite(started)) return;
    if ((seen.get(email)?.started ?? Infinity) <= started) return;
    seen.set(email, { started, writtenAt: Number(m.timestamp), correlationId: c.correlationId });
  });
  const ids = new Set([...seen.values()].map((x) => x.correlationId));
  const routedAt = new Map<string, number>();
  await readTopicToEnd(kafka, topicName('work', prefix), async (m) => {
    if (!m.value) return;
    const w = await codec.decode<WorkEvent>(m.value);
    if (ids.has(w.correlationId) && !routedAt.has(w.correlationId)) routedAt.set(w.correlationId, w.routedAt);
  });
  const synced = new Map<string, SyncOutcome>();
  await readTopicToEnd(kafka, topicName('outcomes', prefix), async (m) => {
    if (!m.value) return;
    const o = await codec.decode<SyncOutcome>(m.value);
    if (ids.has(o.correlationId) && o.status === 'synced' && !synced.has(o.correlationId))
      synced.set(o.correlationId, o);
  });
  const out: PollSplit[] = [];
  for (const [email, a] of want) {
    const s = seen.get(email);
    // A GetAll begun before the edit was sent cannot hold it: a clock or matching error, left out.
    if (s === undefined || s.started < a.at) continue;
    const split: PollSplit = { waitForPoll: s.started - a.at, afterPoll: a.at + a.ms - s.started };
    const routed = routedAt.get(s.correlationId);
    const o = synced.get(s.correlationId);
    if (routed !== undefined && o) {
      const handledAt = o.occurredAt - o.durationMs;
      split.stages = {
        poll: s.writtenAt - s.started,
        route: routed - s.writtenAt,
        queue: handledAt - routed,
        handle: o.durationMs,
        seen: a.at + a.ms - o.occurredAt,
      };
    }
    out.push(split);
  }
  return out;
}
