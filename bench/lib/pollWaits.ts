// How long each live Siagh edit waited for the poll that saw it, from the pipeline's own log: Siagh sends
// no webhooks, so an edit reaches the pipeline only with the first GetAll that returns it, and no
// pipeline can carry it sooner. The first change in `changes` whose snapshot holds the edit's new email
// names that GetAll (attributes.readStartedAt, when the poller began it). What the edit took beyond that
// is the pipeline's own delay: the GetAll itself, the poller's diff, routing, the syncer and the CRM write.
import type { Kafka } from '../../shared/src/kafka/index';
import { topicName } from '../../shared/src/kafka/index';
import type { ChangeEvent } from '../../shared/src/events';
import type { EventCodec } from '../../shared/src/registry';
import { readTopicToEnd } from '../../test/harness/readTopic';
import type { SiaghArrival } from './liveEdits';

export interface PollSplit {
  /** Edit to the start of the GetAll that returned it, ms. */
  waitForPoll: number;
  /** That GetAll's start to the edit's arrival in the CRM, ms. */
  afterPoll: number;
}

export async function pollWaits(
  kafka: Kafka,
  codec: EventCodec,
  prefix: string,
  arrived: readonly SiaghArrival[],
): Promise<PollSplit[]> {
  const want = new Map(arrived.map((a) => [a.email.toLowerCase(), a]));
  const seenAt = new Map<string, number>();
  await readTopicToEnd(kafka, topicName('changes', prefix), async (m) => {
    if (!m.value) return;
    const c = await codec.decode<ChangeEvent>(m.value);
    if (c.source !== 'siagh' || c.snapshot === null) return;
    const raw = JSON.parse(c.snapshot) as { Email?: unknown };
    const email = typeof raw.Email === 'string' ? raw.Email.toLowerCase() : undefined;
    const started = Number(c.attributes.readStartedAt);
    if (!email || !want.has(email) || !Number.isFinite(started)) return;
    seenAt.set(email, Math.min(seenAt.get(email) ?? Infinity, started));
  });
  const out: PollSplit[] = [];
  for (const [email, a] of want) {
    const s = seenAt.get(email);
    // A GetAll begun before the edit was sent cannot hold it: a clock or matching error, left out.
    if (s === undefined || s < a.at) continue;
    out.push({ waitForPoll: s - a.at, afterPoll: a.at + a.ms - s });
  }
  return out;
}
