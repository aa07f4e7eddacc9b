import {
  createIdempotentProducer,
  createKafka,
  topicName,
  type KafkaMessage,
} from '@siaghsync/shared/kafka/index';
import { quarantineInfo } from '@siaghsync/shared/kafka/quarantine';
import type { WorkEvent } from '@siaghsync/shared/events';
import { uniqueName } from '../../../../test/harness/names';
import { startService, type RunningService } from '../service';
import { conflict, outcome, T0 } from '../testing/fixtures';
import {
  eventually,
  getJson,
  OPERATOR_EVENT_KEY,
  OPERATOR_TOKEN,
  openWriter,
  quietLogger,
  testConfig,
} from '../testing/harness';
import { OPERATOR_SIGNATURE_HEADER, verifyOperatorEvent } from '@siaghsync/shared/operator/signature';
import type { LogWriter } from '../testing/produce';

jest.setTimeout(120_000);

// The projector on the real stack: a record it can never decode goes to the quarantine topic, byte for
// byte, and the views go on past it; a resolution whose value the conflict's field cannot hold is
// refused with 400 before anything reaches the syncer.

describe('projector: undecodable records and operator input', () => {
  const cfg = testConfig('quarantine');
  const kafka = createKafka({
    brokers: cfg.KAFKA_BROKERS,
    clientId: 'quarantine-test',
    logger: quietLogger(),
  });
  const producer = createIdempotentProducer(kafka);
  const quarantined: KafkaMessage[] = [];
  const work: { message: KafkaMessage; event: WorkEvent }[] = [];
  const reader = kafka.consumer({ groupId: uniqueName('quarantine-reader'), maxWaitTimeInMs: 100 });
  let writer: LogWriter;
  let svc: RunningService;
  const garbage = Buffer.from('{"written":"by hand"}');
  let garbageOffset = '';
  const operator = { Authorization: `Bearer ${OPERATOR_TOKEN}`, 'Content-Type': 'application/json' };

  beforeAll(async () => {
    writer = await openWriter(cfg);
    await producer.connect();
    await writer.outcomes([outcome({ outcomeId: 'q1', canonicalKey: 'customer:71', occurredAt: T0 })]);
    const [meta] = await producer.send({
      topic: topicName('outcomes', cfg.TOPIC_PREFIX),
      messages: [{ key: 'customer:71', value: garbage }],
      acks: -1,
    });
    garbageOffset = meta!.baseOffset!;
    await writer.outcomes([outcome({ outcomeId: 'q2', canonicalKey: 'customer:71', occurredAt: T0 + 1 })]);
    await writer.conflicts([
      conflict({ conflictId: 'c-city', canonicalKey: 'customer:72', field: 'city', crmValue: 'Tehran' }),
    ]);
    svc = await startService(cfg, quietLogger());
    await reader.connect();
    await reader.subscribe({
      topics: [topicName('quarantine', cfg.TOPIC_PREFIX), topicName('work', cfg.TOPIC_PREFIX)],
      fromBeginning: true,
    });
    await reader.run({
      eachMessage: async ({ topic, message }) => {
        if (topic.endsWith('.quarantine')) quarantined.push(message);
        else work.push({ message, event: await writer.codec.decode<WorkEvent>(message.value!) });
      },
    });
  });
  afterAll(async () => {
    await reader.disconnect();
    await svc?.stop();
    await writer?.close();
    await producer.disconnect();
  });

  it('quarantines garbage on outcomes and folds the outcomes after it', async () => {
    await eventually(
      () => getJson<{ outcomes: { total: number } }>(`${svc.url}/api/summary`),
      (r) => r.status === 200 && r.body.outcomes.total === 2,
    );
    const q = await eventually(
      () => Promise.resolve(quarantined[0]),
      (m) => m !== undefined,
    );
    expect(Buffer.compare(q!.value!, garbage)).toBe(0);
    expect(quarantineInfo(q!.headers)).toMatchObject({
      topic: topicName('outcomes', cfg.TOPIC_PREFIX),
      offset: garbageOffset,
      reason: 'NOT_WIRE_FORMAT',
      consumer: `${cfg.PROJECTOR_GROUP_ID}.v1`,
    });
    const metrics = await (await fetch(`${svc.url}/metrics`, { headers: operator })).text();
    expect(metrics).toContain(
      `siaghsync_projector_quarantined_records_total{topic="${topicName('outcomes', cfg.TOPIC_PREFIX)}"} 1`,
    );
  });

  it('refuses a resolution value the field cannot hold with 400 naming the field; sends a good one, signed', async () => {
    await eventually(
      () => getJson<{ conflicts: { open: number } }>(`${svc.url}/api/summary`),
      (r) => r.body.conflicts?.open === 1,
    );
    const resolve = (body: unknown) =>
      getJson<{ error: string; message: string }>(`${svc.url}/api/conflicts/c-city/resolve`, {
        method: 'POST',
        headers: operator,
        body: JSON.stringify(body),
      });
    const bare = await resolve({ choice: 'value', value: 'Tehran' });
    expect(bare.status).toBe(400);
    expect(bare.body).toEqual({
      error: 'invalid-value',
      message: 'value for city is not JSON: expected a JSON string in quotes, e.g. "Tehran"',
    });
    const wrongType = await resolve({ choice: 'value', value: 'true' });
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.message).toMatch(/^value for city must be a JSON string/);
    expect(work).toEqual([]);

    const good = await resolve({ choice: 'value', value: '"Shiraz"', resolvedBy: 'test' });
    expect(good.status).toBe(202);
    const sent = await eventually(
      () => Promise.resolve(work.find((w) => w.event.kind === 'resolution')),
      (w) => w !== undefined,
    );
    expect(JSON.parse(sent!.event.resolution!)).toMatchObject({ field: 'city', value: '"Shiraz"' });
    // Signed for the syncer with the shared OPERATOR_EVENT_KEY, over the event as decoded.
    const header = sent!.message.headers?.[OPERATOR_SIGNATURE_HEADER];
    expect(verifyOperatorEvent(sent!.event, header, OPERATOR_EVENT_KEY)).toBe('valid');
    expect(verifyOperatorEvent(sent!.event, header, 'another-operator-event-key-0123456789abcdef')).toBe(
      'invalid',
    );
  });
});
