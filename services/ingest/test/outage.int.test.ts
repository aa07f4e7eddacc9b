import { CRM_SECRET, GUIDS, crmUrl, cuttableSockets, readTopic, startIngest } from './helpers';

// Kafka unavailable: never a 2xx for an event that is not in Kafka, 503 with Retry-After instead,
// and the service recovers by itself when the broker is back.

const OK = (i: number) => ({ event: 'Update', id: GUIDS[i]!, type: 'Identity', subtype: 'مخاطب حقیقی' });

describe('Kafka unavailable', () => {
  it('a broker address where nothing listens: 503 + Retry-After, not ready, nothing acknowledged', async () => {
    const ingest = await startIngest({ brokers: ['127.0.0.1:1'], waitReady: false, timeoutMs: 300 });
    try {
      const started = Date.now();
      const res = await fetch(crmUrl(ingest.url, OK(0)));
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('5');
      expect(await res.json()).toMatchObject({ error: { code: 'NOT_READY' } });
      expect(Date.now() - started).toBeLessThan(2000);
      const ready = await fetch(`${ingest.url}/ready`);
      expect(ready.status).toBe(503);
      expect(((await ready.json()) as { checks: Record<string, string> }).checks).toMatchObject({
        kafka: 'failing',
        producer: 'failing',
      });
      expect((await fetch(`${ingest.url}/health`)).status).toBe(200);
    } finally {
      await ingest.close();
    }
  });

  it.each([
    ['stopped (connections reset)', 'cut'],
    ['partitioned (connections go silent)', 'silence'],
  ] as const)(
    'broker %s in the middle of a load and back: every 2xx is in Kafka, outage requests got 503, recovery is automatic',
    async (_label, how) => {
      const sockets = cuttableSockets();
      const ingest = await startIngest({ socketFactory: sockets.factory, timeoutMs: 1000 });
      const accepted = new Set<string>();
      const statuses: Record<number, number> = {};
      let phase: 'before' | 'outage' | 'after' = 'before';
      const outageStatuses: number[] = [];
      let i = 0;
      let stop = false;
      // Four concurrent senders, each notification a different record, like the CRM under load.
      const sender = async () => {
        while (!stop) {
          const n = i++;
          const myPhase = phase;
          const res = await fetch(crmUrl(ingest.url, OK(n % GUIDS.length), CRM_SECRET));
          const body = (await res.json()) as { eventId?: string; error?: { code: string } };
          statuses[res.status] = (statuses[res.status] ?? 0) + 1;
          if (res.status === 202) accepted.add(body.eventId!);
          else {
            expect(res.status).toBe(503);
            expect(res.headers.get('retry-after')).toBe('5');
          }
          if (myPhase === 'outage' && phase === 'outage') outageStatuses.push(res.status);
          await new Promise((r) => setTimeout(r, 5));
        }
      };
      try {
        const load = Promise.all([sender(), sender(), sender(), sender()]);
        await new Promise((r) => setTimeout(r, 1500));
        phase = 'outage';
        sockets[how]();
        await new Promise((r) => setTimeout(r, 4000));
        sockets.restore();
        phase = 'after';
        // Recovery by itself: wait for 202s again, then a little more load.
        const deadline = Date.now() + 30_000;
        const acceptedAtRestore = accepted.size;
        while (accepted.size < acceptedAtRestore + 20 && Date.now() < deadline)
          await new Promise((r) => setTimeout(r, 100));
        stop = true;
        await load;

        expect(statuses[503] ?? 0).toBeGreaterThan(0);
        expect(outageStatuses.length).toBeGreaterThan(0);
        expect(outageStatuses.filter((s) => s === 202).length).toBeLessThan(outageStatuses.length);
        expect(accepted.size).toBeGreaterThan(acceptedAtRestore); // recovered

        const events = await readTopic(ingest.topic, ingest.codec);
        const inKafka = new Set(events.map((e) => e.event.eventId));
        const lost = [...accepted].filter((id) => !inKafka.has(id));
        expect(lost).toEqual([]); // 0 acknowledged lost
        process.stdout.write(
          `ingest outage (${how}): ${i} requests, ${accepted.size} accepted (all in Kafka), ${statuses[503] ?? 0} got 503; ` +
            `${events.length} records in the topic (the surplus: 503s whose send completed later, retried by the sender)\n`,
        );
      } finally {
        stop = true;
        await ingest.close();
      }
    },
    90_000,
  );
});
