import { createKafka, ensureTopics, topicName, type Kafka } from '@siaghsync/shared/kafka/index';
import { createLogger } from '@siaghsync/shared/logger';
import { EventCodec } from '@siaghsync/shared/registry';
import type { ChangeEvent } from '@siaghsync/shared/events';
import { requireEnv, uniqueName } from '../../test/harness/names';
import { syncctl } from './cli.testkit';

jest.setTimeout(120_000);

interface Read {
  key: string;
  partition: number;
  offset: string;
  headers: Record<string, string>;
  event: ChangeEvent;
}

/** Every record on the topic so far, decoded with the registry (a fresh group from the beginning). */
async function readAll(kafka: Kafka, codec: EventCodec, topic: string, count: number): Promise<Read[]> {
  const consumer = kafka.consumer({ groupId: uniqueName('resync-read') });
  const out: Read[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        out.push({
          key: message.key!.toString(),
          partition,
          offset: message.offset,
          headers: Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)])),
          event: await codec.decode<ChangeEvent>(message.value!),
        });
      },
    });
    for (let i = 0; i < 300 && out.length < count; i++) await new Promise((r) => setTimeout(r, 100));
  } finally {
    await consumer.disconnect();
  }
  return out;
}

// resync against the real broker and registry: the CLI's event is on `changes`, keyed and encoded as
// ingest and the poller write theirs, and success is printed only with its acknowledged position.
describe('syncctl resync', () => {
  const brokers = requireEnv('KAFKA_BROKERS');
  const registry = requireEnv('SCHEMA_REGISTRY_URL');
  const prefix = `${uniqueName('resync')}.`;
  const topic = topicName('changes', prefix);
  const kafka = createKafka({
    brokers: brokers.split(','),
    clientId: 'resync-test',
    logger: createLogger({ service: 'test', level: 'silent' }),
  });
  const codec = new EventCodec(registry);
  const env = { KAFKA_BROKERS: brokers, SCHEMA_REGISTRY_URL: registry, TOPIC_PREFIX: prefix };
  const quote = '6f9619ff-8b86-d011-b42d-00c04fc964ff';
  const person = '3f2504e0-4f89-11d3-9a0c-0305e82c3301';

  beforeAll(async () => {
    await ensureTopics(kafka, prefix, ['changes']);
  });

  it('sends one manual event per call, keyed by source id, and reports where Kafka stored it', async () => {
    const q = await syncctl(['--json', 'resync', 'crm-quote', quote.toUpperCase()], env);
    expect(q.stderr).toBe('');
    expect(q.code).toBe(0);
    expect(q.json).toMatchObject({
      topic,
      key: `crm:${quote}`,
      eventId: expect.stringMatching(/^[0-9a-f]{32}$/) as string,
      correlationId: expect.any(String) as string,
      partition: expect.any(Number) as number,
      offset: expect.stringMatching(/^\d+$/) as string,
    });
    const p = await syncctl(['resync', 'crm-identity', person, '--kind', 'person'], env);
    expect(p.code).toBe(0);
    expect(p.stdout).toMatch(new RegExp(`^sent crm:${person} \\(customer, manual upsert\\) to ${topic}`));
    const s = await syncctl(['--json', 'resync', 'siagh-contact', '1231'], env);
    expect(s.code).toBe(0);

    const records = await readAll(kafka, codec, topic, 3);
    expect(records).toHaveLength(3);
    const byKey = new Map(records.map((r) => [r.key, r]));
    const rq = byKey.get(`crm:${quote}`)!;
    const reported = q.json as { eventId: string; correlationId: string; partition: number; offset: string };
    expect(rq).toMatchObject({
      partition: reported.partition,
      offset: reported.offset,
      headers: { eventId: reported.eventId, correlationId: reported.correlationId },
      event: {
        eventId: reported.eventId,
        correlationId: reported.correlationId,
        source: 'crm',
        entityType: 'preinvoice',
        sourceId: quote,
        operation: 'upsert',
        trigger: 'manual',
        snapshot: null,
        attributes: { crmType: 'Quote' },
      },
    });
    expect(byKey.get(`crm:${person}`)!.event).toMatchObject({
      entityType: 'customer',
      sourceId: person,
      trigger: 'manual',
      attributes: { crmType: 'Identity', identityKind: 'person' },
    });
    expect(byKey.get('siagh:1231')!.event).toMatchObject({
      source: 'siagh',
      entityType: 'customer',
      sourceId: '1231',
      trigger: 'manual',
      operation: 'upsert',
    });
    expect(byKey.get('siagh:1231')!.headers.correlationId).toBe(
      (s.json as { correlationId: string }).correlationId,
    );
  });

  it('bad arguments are exit 2 naming the argument', async () => {
    const r = await syncctl(['resync', 'siagh-contact', 'abc'], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/<code> must be a Siagh contact code/);
  });

  it('a prefix whose topic does not exist is refused (exit 1), not a new topic', async () => {
    const r = await syncctl(['resync', 'crm-quote', quote], {
      ...env,
      TOPIC_PREFIX: `${uniqueName('none')}.`,
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/topic .*siaghsync\.changes does not exist/);
  });

  it('Kafka unreachable is exit 3, as for the other commands', async () => {
    const r = await syncctl(['resync', 'crm-quote', quote], {
      ...env,
      KAFKA_BROKERS: '127.0.0.1:1',
      SYNCCTL_TIMEOUT_MS: '1500',
    });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/Kafka is not reachable at 127.0.0.1:1/);
  });
});
