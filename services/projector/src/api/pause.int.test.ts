import { createKafka, topicName } from '@siaghsync/shared/kafka/index';
import {
  decodePauseFlag,
  PAUSE_SIGNATURE_HEADER,
  verifyPauseFlag,
  type PauseFlag,
} from '@siaghsync/shared/operator/pause';
import { readTopicToEnd } from '../../../../test/harness/readTopic';
import { startService, type RunningService } from '../service';
import {
  getJson,
  OPERATOR_EVENT_KEY,
  OPERATOR_TOKEN,
  quietLogger,
  readAuth,
  testConfig,
} from '../testing/harness';

jest.setTimeout(120_000);

// The operator's pause (#21 item 4) enters here: the projector checks the scope, signs the flag and
// answers once Kafka has it in `control`, where every syncer reads it (services/syncer/test/pause.int.test.ts).

describe('pause and resume through the operator API', () => {
  const cfg = testConfig('pause');
  let svc: RunningService;
  const auth = { Authorization: `Bearer ${OPERATOR_TOKEN}`, 'Content-Type': 'application/json' };
  const post = (path: string, body: unknown, headers: Record<string, string> = auth) =>
    getJson<PauseFlag & { error?: { message?: string } }>(`${svc.url}${path}`, {
      method: 'POST',
      headers,
      body: JSON.stringify(body),
    });

  beforeAll(async () => {
    svc = await startService(cfg, quietLogger());
  });
  afterAll(async () => {
    await svc?.stop();
  });

  it('needs the operator token, names a bad scope, and puts a signed flag in control', async () => {
    const json = { 'Content-Type': 'application/json' };
    expect((await post('/api/pause', { scope: 'siagh' }, json)).status).toBe(401);
    expect((await post('/api/pause', { scope: 'siagh' }, { ...readAuth, ...json })).status).toBe(403);
    const bad = await post('/api/pause', { scope: 'customer:12a' });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('scope');
    expect((await post('/api/pause', { scope: 'siagh', extra: 1 })).status).toBe(400);

    const paused = await post('/api/pause', { scope: 'siagh', reason: 'fiscal-year close', by: 'مریم' });
    expect(paused.status).toBe(202);
    expect(paused.body).toMatchObject({
      scope: 'siagh',
      paused: true,
      reason: 'fiscal-year close',
      by: 'مریم',
    });
    const resumed = await post('/api/resume', { scope: 'siagh' });
    expect(resumed.status).toBe(202);
    expect(resumed.body).toMatchObject({ scope: 'siagh', paused: false, by: 'operator' });

    const kafka = createKafka({
      brokers: cfg.KAFKA_BROKERS,
      clientId: 'pause-reader',
      logger: quietLogger(),
    });
    const read: Array<{ key: string; flag: PauseFlag | null; verdict: string }> = [];
    await readTopicToEnd(kafka, topicName('control', cfg.TOPIC_PREFIX), (m) => {
      const flag = decodePauseFlag(m.value);
      const verdict = flag
        ? verifyPauseFlag(flag, m.headers?.[PAUSE_SIGNATURE_HEADER], OPERATOR_EVENT_KEY)
        : 'none';
      read.push({ key: m.key!.toString(), flag, verdict });
    });
    expect(read.map((r) => [r.key, r.flag?.paused, r.verdict])).toEqual([
      ['siagh', true, 'valid'],
      ['siagh', false, 'valid'],
    ]);

    // No syncer to ask in this test (SYNCER_URLS unset): no pause is reported in force.
    const list = await getJson<{ paused: PauseFlag[] }>(`${svc.url}/api/pauses`, { headers: readAuth });
    expect(list.status).toBe(200);
    expect(list.body.paused).toEqual([]);
  });
});
