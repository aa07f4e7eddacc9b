import {
  createIdempotentProducer,
  createKafka,
  topicName,
  type Consumer,
  type Kafka,
  type KafkaMessage,
  type Producer,
  type TopicKey,
} from '@siaghsync/shared/kafka/index';
import { quarantineInfo } from '@siaghsync/shared/kafka/quarantine';
import { createLogger } from '@siaghsync/shared/logger';
import { requireEnv, uniqueName } from '../../../test/harness/names';
import { createWorld, type World } from './harness';
import { registryProxy, type RegistryProxy } from './registryProxy';

jest.setTimeout(180_000);

// Records the syncer cannot decode, on the real broker and registry: garbage is quarantined and its
// partition goes on; a record the registry cannot serve yet is retried, never skipped; garbage on a
// compacted table does not stall the syncer.

const logger = createLogger({ service: 'test-undecodable', level: 'warn' });

interface Raw {
  kafka: Kafka;
  producer: Producer;
  quarantined: KafkaMessage[];
  reader: Consumer;
  send(
    prefix: string,
    topic: TopicKey,
    key: string,
    value: Buffer,
  ): Promise<{ partition: number; offset: string }>;
  close(): Promise<void>;
}

async function raw(prefix: string): Promise<Raw> {
  const kafka = createKafka({ brokers: requireEnv('KAFKA_BROKERS').split(','), clientId: 'raw', logger });
  const producer = createIdempotentProducer(kafka);
  await producer.connect();
  const quarantined: KafkaMessage[] = [];
  const reader = kafka.consumer({ groupId: uniqueName('quarantine-reader'), maxWaitTimeInMs: 100 });
  await reader.connect();
  await reader.subscribe({ topic: topicName('quarantine', prefix), fromBeginning: true });
  await reader.run({ eachMessage: ({ message }) => Promise.resolve(void quarantined.push(message)) });
  return {
    kafka,
    producer,
    quarantined,
    reader,
    async send(p, topic, key, value) {
      const [meta] = await producer.send({
        topic: topicName(topic, p),
        messages: [{ key, value }],
        acks: -1,
      });
      return { partition: meta!.partition, offset: meta!.baseOffset! };
    },
    async close() {
      await reader.disconnect();
      await producer.disconnect();
    },
  };
}

async function committed(kafka: Kafka, group: string, topic: string, partition: number): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [t] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
    return Number(t?.partitions.find((p) => p.partition === partition)?.offset ?? -1);
  } finally {
    await admin.disconnect();
  }
}

const counter = async (w: World, name: string, labels: Record<string, string>): Promise<number> => {
  const metric = await w.syncer.metrics.registry.getSingleMetric(name)?.get();
  const match = metric?.values.find((v) => Object.entries(labels).every(([k, x]) => v.labels[k] === x));
  return match?.value ?? 0;
};

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((res) => setTimeout(res, 200));
  }
}

const person = (n: number, mobile: string) => ({
  firstName: 'نمونه',
  lastName: `شماره ${n}`,
  nickName: `نمونه ${n}`,
  customerNumber: `100-${n}`,
  phoneContacts: [{ default: true, phoneType: 'Mobile', phoneNumber: mobile }],
});

describe('undecodable records (garbage) on the real broker', () => {
  let w: World;
  let r: Raw;
  beforeAll(async () => {
    w = await createWorld('undecodable', { start: false });
    r = await raw(w.prefix);
  });
  afterAll(async () => {
    await r?.close();
    await w?.close();
  });
  const status = (key: string) => w.outcomes.filter((o) => o.canonicalKey === key).map((o) => o.status);

  it('garbage on links, intents and entity-state does not stall the syncer: skipped, counted, the tables go on', async () => {
    // Written before the syncer starts: its restore must read past them to catch up.
    await r.send(w.prefix, 'links', 'crm:garbage', Buffer.from('not avro at all'));
    await r.send(w.prefix, 'intents', 'crm:customer:6100', Buffer.from([0, 0, 0, 0, 1]));
    await r.send(w.prefix, 'entityState', 'customer:6100', Buffer.from([7, 7, 7, 7, 7, 7]));
    await w.startSyncer();
    const crmId = await w.crm.create('person', person(6101, '09121116101'));
    await w.emit('crm', crmId);
    await w.waitFor('created after the bad table records', () => status('customer:6101').includes('created'));
    for (const t of ['links', 'intents', 'entityState'] as const)
      expect(
        await counter(w, 'siaghsync_syncer_table_records_skipped_total', { topic: topicName(t, w.prefix) }),
      ).toBe(1);
    expect(await w.siagh.findContactsByCustomerNumber(6101)).toHaveLength(1);
  });

  it('garbage on work is quarantined byte for byte, the next record of its partition is synced, offsets committed past both', async () => {
    const workTopic = topicName('work', w.prefix);
    const garbage = Buffer.from('{"hand":"written"}');
    // Keyed like the good event after it, so both land on one partition, garbage first.
    const at = await r.send(w.prefix, 'work', 'customer:6102', garbage);
    const crmId = await w.crm.create('person', person(6102, '09121116102'));
    await w.emit('crm', crmId);
    await w.waitFor('next record synced', () => status('customer:6102').includes('created'));

    const q = await w.waitFor('quarantined', () =>
      r.quarantined.find((m) => quarantineInfo(m.headers).topic === workTopic),
    );
    expect(Buffer.compare(q.value!, garbage)).toBe(0);
    expect(q.key?.toString()).toBe('customer:6102');
    expect(quarantineInfo(q.headers)).toMatchObject({
      partition: String(at.partition),
      offset: at.offset,
      reason: 'NOT_WIRE_FORMAT',
      kind: 'permanent',
      consumer: `${w.prefix}siaghsync-syncer`,
    });
    expect(await counter(w, 'siaghsync_syncer_quarantined_records_total', { topic: workTopic })).toBe(1);
    // The group's offset on that partition is past the garbage and past the good event.
    const group = `${w.prefix}siaghsync-syncer`;
    await until(
      'offset past both',
      async () => (await committed(r.kafka, group, workTopic, at.partition)) > Number(at.offset) + 1,
    );
  });

  it('garbage on changes is quarantined by the router, and routing goes on', async () => {
    const changesTopic = topicName('changes', w.prefix);
    const at = await r.send(w.prefix, 'changes', 'crm:bad', Buffer.from([0, 0, 0, 0, 1, 0xff, 0xff]));
    const crmId = await w.crm.create('person', person(6103, '09121116103'));
    await w.emit('crm', crmId);
    await w.waitFor('routed and synced', () => status('customer:6103').includes('created'));
    const q = await w.waitFor('quarantined by the router', () =>
      r.quarantined.find((m) => quarantineInfo(m.headers).topic === changesTopic),
    );
    // Schema id 1 exists or not: either way this payload can never be a ChangeEvent.
    expect(['PAYLOAD_SCHEMA_MISMATCH', 'SCHEMA_NOT_FOUND_YET']).toContain(quarantineInfo(q.headers).reason);
    expect(quarantineInfo(q.headers).offset).toBe(at.offset);
  });
});

describe('a record the registry cannot serve yet', () => {
  let proxy: RegistryProxy;
  let w: World;
  let r: Raw;
  beforeAll(async () => {
    proxy = await registryProxy(requireEnv('SCHEMA_REGISTRY_URL'));
    w = await createWorld('registry-held', { env: { SCHEMA_REGISTRY_URL: proxy.url } });
    r = await raw(w.prefix);
  });
  afterAll(async () => {
    await r?.close();
    await w?.close();
    await proxy?.close();
  });
  const status = (key: string) => w.outcomes.filter((o) => o.canonicalKey === key).map((o) => o.status);

  it('is retried, never skipped: held while the registry says "not found" or is down, processed once it answers', async () => {
    const workTopic = topicName('work', w.prefix);
    // A schema the running syncer never registered (so never cached): a newer producer's version.
    const newer = await proxy.registerVariant(`${w.prefix}WorkEvent-next`);
    const crmId = await w.crm.create('person', person(6201, '09121116201'));
    const event = await w.codec.registry.encode(newer, {
      canonicalKey: 'customer:6201',
      kind: 'change',
      routeReason: 'natural-key',
      routedAt: Date.now(),
      correlationId: 'corr-held',
      change: {
        eventId: 'ev-held',
        source: 'crm',
        entityType: 'customer',
        sourceId: crmId,
        operation: 'upsert',
        sourceTime: null,
        observedTime: Date.now(),
        trigger: 'webhook',
        correlationId: 'corr-held',
        naturalKey: '6201',
        checksum: null,
        snapshot: null,
        attributes: {},
      },
      resolution: null,
      redriveOf: null,
      note: 'a field of the newer version',
    });
    proxy.refuseSchema(newer, 404);
    const at = await r.send(w.prefix, 'work', 'customer:6201', event);
    await w.waitFor('retried several times', () => proxy.refused() >= 3, 30_000);
    proxy.refuseSchema(newer, 'down');
    const before = proxy.refused();
    await w.waitFor('retried while down too', () => proxy.refused() > before, 30_000);
    expect(status('customer:6201')).toEqual([]);
    expect(
      await committed(r.kafka, `${w.prefix}siaghsync-syncer`, workTopic, at.partition),
    ).toBeLessThanOrEqual(Number(at.offset));
    expect(r.quarantined).toEqual([]);
    expect(await counter(w, 'siaghsync_syncer_decode_retries_total', { topic: workTopic })).toBeGreaterThan(
      2,
    );

    proxy.pass();
    await w.waitFor(
      'processed once the registry answers',
      () => status('customer:6201').includes('created'),
      60_000,
    );
    expect(await w.siagh.findContactsByCustomerNumber(6201)).toHaveLength(1);
    expect(r.quarantined).toEqual([]);
  });
});
