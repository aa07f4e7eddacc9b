import { createKafka, ensureTopics, topicName } from '@siaghsync/shared/kafka/index';
import type { GroupHealth } from '@siaghsync/shared/kafka/stalls';
import { startService, type RunningService } from '../service';
import { eventually, getJson, quietLogger, testConfig } from '../testing/harness';
import { uniqueName } from '../../../../test/harness/names';

jest.setTimeout(120_000);

// Another service's group (here a "router" whose offsets the test moves by hand) is watched from its
// committed offsets alone: lag that does not move for the stall time is a stalled partition.
describe('/api/lag: every group of the deployment, with its stalled partitions (real Kafka)', () => {
  const groupPrefix = uniqueName('lagt');
  const cfg = {
    ...testConfig('lag', { PROJECTOR_LAG_SAMPLE_MS: '1000', PROJECTOR_STALL_AFTER_MS: '5000' }),
    PROJECTOR_LAG_GROUP_PREFIX: groupPrefix,
  };
  cfg.PROJECTOR_GROUP_ID = `${groupPrefix}-projector`;
  const router = `${groupPrefix}-router`;
  const topic = topicName('changes', cfg.TOPIC_PREFIX);
  const kafka = createKafka({ brokers: cfg.KAFKA_BROKERS, clientId: 'lag-test', logger: quietLogger() });
  const admin = kafka.admin();
  let svc: RunningService;

  const routerHealth = async () => {
    const { body } = await getJson<{ groups: GroupHealth[] }>(`${svc.url}/api/lag`);
    return body.groups.find((g) => g.group === router);
  };
  const setOffset = (offset: number) =>
    admin.setOffsets({ groupId: router, topic, partitions: [{ partition: 0, offset: String(offset) }] });

  beforeAll(async () => {
    await ensureTopics(kafka, cfg.TOPIC_PREFIX, ['changes']);
    await admin.connect();
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic,
      messages: Array.from({ length: 10 }, (_, i) => ({ key: 'k', value: String(i), partition: 0 })),
    });
    await producer.disconnect();
    await setOffset(2);
    svc = await startService(cfg, quietLogger());
  });
  afterAll(async () => {
    await svc?.stop();
    await admin.disconnect();
  });

  it('shows the group, then its partition stalled once it has stood still with lag, then recovered', async () => {
    const first = await eventually(routerHealth, (g) => g !== undefined);
    expect(first).toMatchObject({ state: 'Empty', members: 0, lag: 8, stalled: [] });

    const stalled = await eventually(routerHealth, (g) => (g?.stalled.length ?? 0) > 0);
    expect(stalled!.stalled.map(({ since: _, ...p }) => p)).toEqual([{ topic, partition: 0, lag: 8 }]);
    expect(Date.now() - stalled!.stalled[0]!.since).toBeGreaterThanOrEqual(5000);
    expect(stalled!.behindSeconds).toBeGreaterThanOrEqual(5);

    await setOffset(6);
    const moving = await eventually(routerHealth, (g) => g?.lag === 4);
    expect(moving!.stalled).toEqual([]);

    await setOffset(10);
    const caughtUp = await eventually(routerHealth, (g) => g?.lag === 0);
    expect(caughtUp).toMatchObject({ behindSeconds: 0, stalled: [] });
  });
});
