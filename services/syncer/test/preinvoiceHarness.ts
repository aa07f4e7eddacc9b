import {
  createKafka,
  createIdempotentProducer,
  ensureTopics,
  topicName,
  type Consumer,
  type Producer,
} from '@siaghsync/shared/kafka/index';
import { simulatorEnv } from '../../../test/harness/systems';
import { createLogger } from '@siaghsync/shared/logger';
import { EventCodec } from '@siaghsync/shared/registry';
import {
  deterministicEventId,
  newChangeEvent,
  sourceKey,
  type DeadLetter,
  type SyncOutcome,
  type WorkEvent,
} from '@siaghsync/shared/events';
import { startCrmSimulator, type CrmSimulator } from '../../../simulators/crm/server';
import { startSiaghSimulator, type SiaghSimulator } from '../../../simulators/siagh/server';
import type { CrmQuote } from '../../../simulators/crm/types';
import type { PreInvoice } from '../../../simulators/siagh/types';
import { requireEnv, uniqueName } from '../../../test/harness/names';
import type { World } from './harness';

// Helpers for the pre-invoice tests: customers and quotes made in the CRM simulator, their change
// events, the Siagh documents of a quote, and a redrive of a dead letter (what `syncctl` would send).

type Sims = { crmSim: CrmSimulator; siaghSim: SiaghSimulator };

export function newCustomer(w: Sims, n: number): string {
  const r = w.crmSim.store.create(1, {
    firstName: 'مریم',
    lastName: `مشتری ${n}`,
    nickName: `مریم مشتری ${n}`,
    customerNumber: `100-${n}`,
    phoneContacts: [{ default: true, phoneType: 'Mobile', phoneNumber: `0912${String(n).padStart(7, '0')}` }],
  });
  if (!r.ok) throw new Error(r.message);
  return r.value.crmId;
}

export interface LineInput {
  productCode: string;
  count: number;
  baseUnitPrice: number;
  totalDiscount?: number;
}

export function newQuote(
  w: Sims,
  identityId: string,
  details: LineInput[],
  subject = 'پیش فاکتور آزمایشی',
): CrmQuote {
  const r = w.crmSim.store.quotes.create({
    identityId,
    subject,
    crmObjectTypeCode: 'PI_5',
    vatPercent: 10,
    details,
  });
  if (!r.ok) throw new Error(r.message);
  return r.value;
}

export const quoteKey = (quoteId: string): string => `preinvoice:crm:${quoteId}`;

export const emitQuote = (w: World, quoteId: string): Promise<void> =>
  w.emit('crm', quoteId, { entityType: 'preinvoice' });

/** The Siagh documents whose notes name this quote (exactly one when all is well). */
export const docsOf = (w: Sims, quoteId: string): PreInvoice[] =>
  [...w.siaghSim.store.preInvoices.values()].filter((d) => (d.Tozihat ?? '').startsWith(`CRM ${quoteId}`));

export const docNoOn = (w: Sims, quoteId: string): string | undefined =>
  w.crmSim.store.quotes.get(quoteId)?.extendedProperties.find((p) => p.userKey === 'SiaghDocumentNumber')
    ?.value ?? undefined;

export const preInvoiceSaves = (w: Sims): number =>
  w.siaghSim.recorder
    .list({ path: '/BpmsApi/SaveFormData' })
    .filter((c) => (c.body as { formId?: string } | null)?.formId === '43D81').length;

export const quoteUpdates = (w: Sims): number =>
  w.crmSim.recorder.list({ path: '/api/v2/crmobject/quote/sales/update' }).length;

/** Re-injects a dead letter's event, as the redrive command does: to `work`, keyed by its canonical key. */
export async function redrive(w: World, dl: DeadLetter): Promise<void> {
  const event: WorkEvent = { ...dl.event, kind: 'redrive', redriveOf: dl.deadLetterId, routedAt: Date.now() };
  await w.produce('work', dl.canonicalKey, 'WorkEvent', event);
}

/** A bare pipeline around a syncer run as a separate process (kill -9 tests): sims, topics, emit, outcomes. */
export interface ProcessWorld extends Sims {
  env: Record<string, string>;
  outcomes: SyncOutcome[];
  emit(entityType: 'customer' | 'preinvoice', id: string): Promise<void>;
  close(): Promise<void>;
}

export async function createProcessWorld(
  label: string,
  opts: { crm?: Parameters<typeof startCrmSimulator>[0] } = {},
): Promise<ProcessWorld> {
  const logger = createLogger({ service: `test-${label}`, level: 'warn' });
  const crmSim = await startCrmSimulator({ webhooks: { enabled: false }, ...opts.crm });
  const siaghSim = await startSiaghSimulator({});
  const prefix = `${uniqueName(label)}.`;
  const env: Record<string, string> = {
    KAFKA_BROKERS: requireEnv('KAFKA_BROKERS'),
    SCHEMA_REGISTRY_URL: requireEnv('SCHEMA_REGISTRY_URL'),
    TOPIC_PREFIX: prefix,
    ...simulatorEnv(crmSim, siaghSim),
    SYNCER_INSTANCE_ID: `${label}-a`,
    SYNCER_PORT: '0',
    SYNCER_RETRY_BASE_MS: '50',
    SYNCER_PARK_RETRY_MS: '1000',
  };
  const kafka = createKafka({ brokers: env.KAFKA_BROKERS!.split(','), clientId: `${label}-test`, logger });
  await ensureTopics(kafka, prefix);
  const codec = new EventCodec(env.SCHEMA_REGISTRY_URL!);
  await codec.registerAll();
  const producer: Producer = createIdempotentProducer(kafka);
  await producer.connect();
  const outcomes: SyncOutcome[] = [];
  const reader: Consumer = kafka.consumer({ groupId: uniqueName('reader'), maxWaitTimeInMs: 100 });
  await reader.connect();
  await reader.subscribe({ topics: [topicName('outcomes', prefix)], fromBeginning: true });
  await reader.run({
    eachMessage: async ({ message }) => {
      if (message.value) outcomes.push(await codec.decode<SyncOutcome>(message.value));
    },
  });
  let seq = 0;
  return {
    crmSim,
    siaghSim,
    env,
    outcomes,
    async emit(entityType, id) {
      seq++;
      const change = newChangeEvent({
        eventId: deterministicEventId(label, id, seq),
        source: 'crm',
        entityType,
        sourceId: id,
        operation: 'upsert',
        observedTime: Date.now(),
        trigger: 'webhook',
        correlationId: `corr-${label}-${seq}`,
      });
      await producer.send({
        topic: topicName('changes', prefix),
        messages: [{ key: sourceKey('crm', id), value: await codec.encode('ChangeEvent', change) }],
        acks: -1,
      });
    },
    async close() {
      await reader.disconnect();
      await producer.disconnect();
      await crmSim.close();
      await siaghSim.close();
    },
  };
}

export async function until<T>(
  what: string,
  check: () => T | undefined | false,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
