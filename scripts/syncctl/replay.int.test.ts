import { createKafka, ensureTopics, topicName } from '@siaghsync/shared/kafka/index';
import { createLogger } from '@siaghsync/shared/logger';
import { requireEnv, uniqueName } from '../../test/harness/names';
import { syncctl } from './cli.testkit';

jest.setTimeout(120_000);

// replay on a real broker: offsets move to the first record at or after --from, per partition, and an
// active group is refused with a message saying what to do.
describe('syncctl replay', () => {
  const brokers = requireEnv('KAFKA_BROKERS');
  const prefix = `${uniqueName('replay')}.`;
  const group = uniqueName('replay-grp');
  const kafka = createKafka({
    brokers: brokers.split(','),
    clientId: 'replay-test',
    logger: createLogger({ service: 'test', level: 'silent' }),
  });
  const topic = topicName('work', prefix);
  const t0 = Date.now() - 3_600_000;
  const env = { KAFKA_BROKERS: brokers, TOPIC_PREFIX: prefix };

  beforeAll(async () => {
    await ensureTopics(kafka, prefix, ['work']);
    const producer = kafka.producer();
    await producer.connect();
    // Ten records on partition 0 and on partition 1, one minute apart from t0.
    for (const partition of [0, 1]) {
      await producer.send({
        topic,
        messages: Array.from({ length: 10 }, (_, i) => ({
          partition,
          key: `k${i}`,
          value: `v${i}`,
          timestamp: String(t0 + i * 60_000),
        })),
      });
    }
    await producer.disconnect();
    const admin = kafka.admin();
    await admin.connect();
    await admin.setOffsets({
      groupId: group,
      topic,
      partitions: [0, 1, 2, 3, 4, 5].map((partition) => ({ partition, offset: partition < 2 ? '10' : '0' })),
    });
    await admin.disconnect();
  });

  it('dry run shows the plan and changes nothing; then the offsets move to the time', async () => {
    const from = new Date(t0 + 5 * 60_000).toISOString();
    const dry = await syncctl(['--json', 'replay', '--from', from, '--group', group, '--dry-run'], env);
    expect(dry.code).toBe(0);
    const plan = dry.json as {
      partitions: { partition: number; before: number | null; after: number; toReprocess: number }[];
      dryRun: boolean;
    };
    expect(plan.dryRun).toBe(true);
    expect(plan.partitions.slice(0, 3)).toEqual([
      { partition: 0, before: 10, after: 5, end: 10, toReprocess: 5 },
      { partition: 1, before: 10, after: 5, end: 10, toReprocess: 5 },
      { partition: 2, before: 0, after: 0, end: 0, toReprocess: 0 },
    ]);
    const admin = kafka.admin();
    await admin.connect();
    try {
      const still = await admin.fetchOffsets({ groupId: group, topics: [topic] });
      expect(still[0]!.partitions.find((p) => p.partition === 0)!.offset).toBe('10');
      const real = await syncctl(['replay', '--from', from, '--group', group], env);
      expect(real.code).toBe(0);
      expect(real.stdout).toMatch(/10 events will be processed again/);
      const moved = await admin.fetchOffsets({ groupId: group, topics: [topic] });
      expect(moved[0]!.partitions.filter((p) => p.partition < 2).map((p) => p.offset)).toEqual(['5', '5']);
    } finally {
      await admin.disconnect();
    }
  });

  it('a time after the last record moves to the end; bad or future times are usage errors', async () => {
    const r = await syncctl(['--json', 'replay', '--from', '1m', '--group', group], env);
    expect(r.code).toBe(0);
    expect(
      (r.json as { partitions: { after: number }[] }).partitions.slice(0, 2).map((p) => p.after),
    ).toEqual([10, 10]);
    expect((await syncctl(['replay', '--from', 'yesterday', '--group', group], env)).code).toBe(2);
    expect(
      (
        await syncctl(
          ['replay', '--from', new Date(Date.now() + 3_600_000).toISOString(), '--group', group],
          env,
        )
      ).code,
    ).toBe(2);
  });

  it('refuses while the group has members, naming the group and what to do', async () => {
    const consumer = kafka.consumer({ groupId: group });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: false });
    let joined = false;
    consumer.on(consumer.events.GROUP_JOIN, () => (joined = true));
    await consumer.run({ eachMessage: () => Promise.resolve() });
    try {
      for (let i = 0; i < 100 && !joined; i++) await new Promise((res) => setTimeout(res, 200));
      const r = await syncctl(['replay', '--from', '30m', '--group', group], env);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(new RegExp(`consumer group ${group} is active \\(state Stable, 1 member\\)`));
      expect(r.stderr).toMatch(/stop every syncer/);
    } finally {
      await consumer.disconnect();
    }
  });

  it('Kafka unreachable is exit 3', async () => {
    const r = await syncctl(['replay', '--from', '1h', '--group', group], {
      ...env,
      KAFKA_BROKERS: '127.0.0.1:1',
      SYNCCTL_TIMEOUT_MS: '1500',
    });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/Kafka is not reachable at 127.0.0.1:1/);
  });
});
