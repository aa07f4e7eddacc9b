import type { TopicMessages } from '@siaghsync/shared/kafka/client';
import { topicName } from '@siaghsync/shared/kafka/topics';
import type { EventCodec } from '@siaghsync/shared/registry';
import {
  sourceKey,
  type Conflict,
  type CreateIntent,
  type DeadLetter,
  type Link,
  type SyncOutcome,
} from '@siaghsync/shared/events';
import type { SchemaName } from '@siaghsync/schemas';
import { toRecord, type EntityState } from './decide/state';
import { intentKey } from './route/route';

/** Everything one event commits, in one Kafka transaction with the consumer offset. */
export interface Outputs {
  state?: EntityState;
  links: Link[];
  intents: CreateIntent[];
  outcome?: SyncOutcome;
  conflicts: Conflict[];
  deadLetter?: DeadLetter;
}

export const emptyOutputs = (): Outputs => ({ links: [], intents: [], conflicts: [] });

export function linksFor(state: EntityState, correlationId: string, now: number): Link[] {
  const links: Link[] = [];
  for (const side of ['crm', 'siagh'] as const) {
    const id = state[side].id;
    if (id === null) continue;
    links.push({
      sourceKey: sourceKey(side, id),
      canonicalKey: state.canonicalKey,
      side,
      sourceId: id,
      naturalKey: state.naturalKey === null ? null : String(state.naturalKey),
      linkedAt: now,
      correlationId,
    });
  }
  return links;
}

export async function encodeOutputs(
  codec: EventCodec,
  prefix: string,
  all: Outputs[],
): Promise<TopicMessages[]> {
  const byTopic = new Map<string, TopicMessages['messages']>();
  const add = async (topic: string, key: string, name: SchemaName, value: unknown) => {
    const list = byTopic.get(topic) ?? [];
    list.push({ key, value: await codec.encode(name, value) });
    byTopic.set(topic, list);
  };
  for (const o of all) {
    if (o.state)
      await add(topicName('entityState', prefix), o.state.canonicalKey, 'EntityState', toRecord(o.state));
    for (const l of o.links) await add(topicName('links', prefix), l.sourceKey, 'Link', l);
    for (const i of o.intents) await add(topicName('intents', prefix), intentKey(i), 'CreateIntent', i);
    if (o.outcome) await add(topicName('outcomes', prefix), o.outcome.canonicalKey, 'SyncOutcome', o.outcome);
    for (const c of o.conflicts) await add(topicName('conflicts', prefix), c.canonicalKey, 'Conflict', c);
    if (o.deadLetter) {
      await add(topicName('deadLetters', prefix), o.deadLetter.canonicalKey, 'DeadLetter', o.deadLetter);
    }
  }
  return [...byTopic].map(([topic, messages]) => ({ topic, messages }));
}
