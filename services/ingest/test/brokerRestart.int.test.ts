import { startKafkaNodes, untilBrokers, type KafkaNodes } from '../../../test/harness/kafkaNodes';
import { CRM_SECRET, GUIDS, crmUrl, readTopic, startIngest, type TestIngest } from './helpers';

// R3 for real (#20): the broker process is killed (kill -9) in the middle of a webhook load and started
// again on its data. Each request carries its own correlation id, so a 2xx is accounted for by itself
// (several notifications of one record share an event id within the dedup window; a lost 2xx whose twin
// landed would hide behind it). Every request answered 2xx must be in `changes`; requests made while the
// broker is down get 503 with Retry-After, and the sender retries them after it until one is accepted.

jest.setTimeout(240_000);

const SENDERS = 4;
const DOWN_MS = 8_000;

describe('R3: the broker is killed and restarted under webhook load', () => {
  let cluster: KafkaNodes | undefined;
  let ingest: TestIngest | undefined;
  afterAll(async () => {
    await ingest?.close();
    await cluster?.stop();
  });

  it('every 2xx is in Kafka by its own correlation id; refusals carried Retry-After and were retried', async () => {
    cluster = await startKafkaNodes({ count: 1, label: 'r3' });
    const brokers = cluster.brokers.split(',');
    ingest = await startIngest({ brokers, timeoutMs: 1000 });
    const url = ingest.url;

    const accepted = new Map<string, number>(); // correlation id -> notification
    const delivered = new Set<number>();
    const refusals: Array<{ status: number; retryAfter: string | null; phase: string }> = [];
    const findings: string[] = [];
    let phase: 'before' | 'down' | 'after' = 'before';
    let next = 0;
    let attempts = 0;
    let stop = false;

    // Like the CRM: a notification is sent until it is acknowledged, waiting as long as Retry-After says.
    const sender = async (s: number) => {
      while (!stop) {
        const n = next++;
        const params = { event: 'Update', id: GUIDS[n % GUIDS.length]!, type: 'Identity' };
        for (let attempt = 1; ; attempt++) {
          const correlationId = `r3-${s}-${n}-${attempt}`;
          attempts++;
          let res: Response;
          try {
            res = await fetch(crmUrl(url, params, CRM_SECRET), {
              headers: { 'x-correlation-id': correlationId },
            });
          } catch (err) {
            findings.push(`${correlationId}: no answer (${(err as Error).message})`);
            break;
          }
          await res.arrayBuffer();
          if (res.status === 202) {
            accepted.set(correlationId, n);
            delivered.add(n);
            break;
          }
          const retryAfter = res.headers.get('retry-after');
          refusals.push({ status: res.status, retryAfter, phase });
          if ((res.status !== 503 && res.status !== 429) || retryAfter === null) {
            findings.push(`${correlationId}: ${res.status} without a way to retry`);
            break;
          }
          await new Promise((r) => setTimeout(r, Number(retryAfter) * 1000));
        }
        await new Promise((r) => setTimeout(r, 10));
      }
    };

    const load = Promise.all(Array.from({ length: SENDERS }, (_, s) => sender(s)));
    await new Promise((r) => setTimeout(r, 3_000));
    const beforeKill = accepted.size;
    phase = 'down';
    const node = cluster.nodes[0]!;
    await node.kill('SIGKILL');
    await new Promise((r) => setTimeout(r, DOWN_MS));
    node.start();
    await untilBrokers({ brokers }, 1, 90_000);
    phase = 'after';
    // Recovery by itself: acknowledgements again, for a while.
    const atRestart = accepted.size;
    const deadline = Date.now() + 90_000;
    while (accepted.size < atRestart + 40 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    stop = true;
    await load;

    expect(findings).toEqual([]);
    expect(beforeKill).toBeGreaterThan(0);
    expect(accepted.size).toBeGreaterThanOrEqual(atRestart + 40);
    const downRefusals = refusals.filter((r) => r.phase === 'down');
    expect(downRefusals.length).toBeGreaterThan(0);
    expect(downRefusals.filter((r) => r.status === 503).length).toBeGreaterThan(0);
    // Every notification the senders started was acknowledged in the end (refused ones were retried).
    expect(Array.from({ length: next }, (_, n) => n).filter((n) => !delivered.has(n))).toEqual([]);

    const events = await readTopic(ingest.topic, ingest.codec, 'r3-reader', brokers);
    const inKafka = new Set(events.map((e) => e.event.correlationId));
    const lost = [...accepted.keys()].filter((id) => !inKafka.has(id));
    expect(lost).toEqual([]);
    process.stdout.write(
      `R3 broker kill -9 / restart: ${attempts} requests, ${accepted.size} answered 202 (every one in Kafka by its correlation id), ` +
        `${refusals.length} refused with Retry-After (${downRefusals.length} while the broker was down) and retried; ` +
        `${events.length} records in the topic\n`,
    );
  });
});
