import { Option, type Command } from 'commander';
import { deterministicEventId, newChangeEvent, sourceKey, type ChangeEvent } from '@siaghsync/shared/events';
import {
  createIdempotentProducer,
  registryAuthOf,
  sendWithin,
  topicName,
} from '@siaghsync/shared/kafka/index';
import { newCorrelationId } from '@siaghsync/shared/logger';
import { EventCodec } from '@siaghsync/shared/registry';
import { kafkaError, withTimeout, type Ctx } from './context';
import { CliError, EXIT, isUnreachable } from './errors';
import { asciiDigits } from './format';
import type { Run } from './program';

// `resync`: one record sent into the pipeline by hand, for a change whose notices the CRM gave up
// (README "When the CRM gave up a webhook"). The event is what ingest or the poller would have sent
// (same topic, key, headers and schema), thin and trigger=manual: the syncer fetches the record itself.

const TARGETS = {
  'crm-identity': { source: 'crm', entityType: 'customer', crmType: 'Identity', of: 'CRM identity' },
  'crm-quote': { source: 'crm', entityType: 'preinvoice', crmType: 'Quote', of: 'CRM quote (pre-invoice)' },
  'siagh-contact': { source: 'siagh', entityType: 'customer', crmType: null, of: 'Siagh contact' },
} as const;
export type ResyncWhat = keyof typeof TARGETS;

export type ResyncTarget = Pick<ChangeEvent, 'source' | 'entityType' | 'sourceId' | 'attributes'> & {
  what: ResyncWhat;
};

const KINDS = ['person', 'organization'];
const GUID = /^\{?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\}?$/i;
const usage = (message: string) => new CliError(EXIT.usage, message);

/** Validates the arguments; the id comes out as the other producers key it (lower-case GUID, plain decimal code). */
export function parseResyncTarget(what: string, id: string, kind?: string): ResyncTarget {
  if (!Object.hasOwn(TARGETS, what))
    throw usage(`<what> must be ${Object.keys(TARGETS).join(', ')}; got "${what}"`);
  const t = TARGETS[what as ResyncWhat];
  if (kind !== undefined && what !== 'crm-identity') throw usage('--kind applies to crm-identity only');
  if (kind !== undefined && !KINDS.includes(kind))
    throw usage(`--kind must be person or organization; got "${kind}"`);
  let sourceId = asciiDigits(id.trim());
  const attributes: Record<string, string> = {};
  if (t.crmType !== null) {
    const guid = GUID.exec(id.trim())?.[1];
    if (!guid)
      throw usage(`<guid> must be a CRM id (a GUID like 0f8fad5b-d9cb-469f-a165-70867728950e); got "${id}"`);
    sourceId = guid.toLowerCase();
    attributes.crmType = t.crmType;
    if (kind) attributes.identityKind = kind; // what the webhook path sets from the subtype
  } else if (/^\d+$/.test(sourceId) && Number(sourceId) >= 1 && Number.isSafeInteger(Number(sourceId))) {
    sourceId = String(Number(sourceId));
  } else throw usage(`<code> must be a Siagh contact code (a positive integer); got "${id}"`);
  return { what: what as ResyncWhat, source: t.source, entityType: t.entityType, sourceId, attributes };
}

/** A thin upsert with trigger=manual; its id is fresh (from the correlation id): a resync is never a duplicate. */
export function resyncEvent(t: ResyncTarget, correlationId: string, now: number): ChangeEvent {
  return newChangeEvent({
    eventId: deterministicEventId('manual', t.source, t.entityType, t.sourceId, correlationId),
    source: t.source,
    entityType: t.entityType,
    sourceId: t.sourceId,
    operation: 'upsert',
    observedTime: now,
    trigger: 'manual',
    correlationId,
    attributes: t.attributes,
  });
}

/** Key and headers as ingest and the poller write them. */
export function resyncMessage(e: ChangeEvent, value: Buffer) {
  return {
    key: sourceKey(e.source, e.sourceId),
    value,
    headers: { eventId: e.eventId, correlationId: e.correlationId },
  };
}

export type ResyncResult = Record<'eventId' | 'correlationId' | 'key' | 'topic' | 'offset', string> & {
  partition: number;
};

/** Resolves only after Kafka acknowledged (idempotent producer, acks=all). */
export async function resync(ctx: Ctx, t: ResyncTarget): Promise<ResyncResult> {
  const c = ctx.cfg();
  const topic = topicName('changes', c.TOPIC_PREFIX);
  if (!(await (await ctx.admin()).listTopics()).includes(topic))
    throw new CliError(EXIT.failed, `topic ${topic} does not exist`, 'check TOPIC_PREFIX');
  const codec = new EventCodec(c.SCHEMA_REGISTRY_URL, registryAuthOf(c));
  // Registering is what every producer does at start: it yields the id of the very same schema.
  await codec.registerAll(['ChangeEvent']).catch((err: unknown) => {
    if (!isUnreachable(err)) throw err;
    const message = `the schema registry is not reachable at ${c.SCHEMA_REGISTRY_URL}`;
    throw new CliError(EXIT.unreachable, message, 'start the stack or set SCHEMA_REGISTRY_URL');
  });
  const event = resyncEvent(t, newCorrelationId(), Date.now());
  const message = resyncMessage(event, await codec.encode('ChangeEvent', event));
  const ms = c.SYNCCTL_TIMEOUT_MS * 2;
  const retry = { initialRetryTime: 100, retries: 3, maxRetryTime: ms };
  const producer = createIdempotentProducer(ctx.kafka(), retry);
  try {
    await withTimeout(producer.connect(), ms, 'connect');
    const acks = await sendWithin(producer, topic, [message], ms);
    const { partition, baseOffset } = acks[0]!;
    const { eventId, correlationId } = event;
    return { eventId, correlationId, key: message.key, topic, partition, offset: String(baseOffset) };
  } catch (err) {
    if ((err as { code?: string }).code !== 'KAFKA_PRODUCE_TIMEOUT') throw kafkaError(c, err);
    const hint = 'it may or may not be stored: run the same resync again (a second event is harmless)';
    throw new CliError(EXIT.unreachable, `Kafka did not acknowledge within ${ms} ms`, hint);
  } finally {
    await producer.disconnect().catch(() => undefined);
  }
}

export function registerResync(program: Command, run: Run): void {
  const cmd = program
    .command('resync')
    .description('send one record into the pipeline again, e.g. a quote whose webhooks the CRM gave up');
  for (const [what, t] of Object.entries(TARGETS)) {
    const sub = cmd
      .command(what)
      .description(`one ${t.of}: the syncer reads it and syncs it like a new change`)
      .argument(t.crmType ? '<guid>' : '<code>', t.crmType ? 'the CRM id' : 'the Siagh contact Code');
    if (what === 'crm-identity') sub.addOption(new Option('--kind <kind>', 'its CRM type').choices(KINDS));
    sub.action((id: string, o: { kind?: string }) =>
      run(async (ctx) => {
        const target = parseResyncTarget(what, id, o.kind);
        const r = await resync(ctx, target);
        ctx.out.result(
          { ...r, what, source: target.source, entityType: target.entityType, sourceId: target.sourceId },
          () =>
            `sent ${r.key} (${target.entityType}, manual upsert) to ${r.topic} partition ${r.partition} offset ${r.offset}\n` +
            `event ${r.eventId}, correlation id ${r.correlationId} (its outcome and log lines carry it)`,
        );
        return EXIT.ok;
      }),
    );
  }
}
