import { createKafka, topicName } from '@siaghsync/shared/kafka/index';
import { createLogger } from '@siaghsync/shared/logger';
import { newChangeEvent, deterministicEventId, type WorkEvent } from '@siaghsync/shared/events';
import { generateDataset } from '../../../simulators/data/generator';
import { requireEnv } from '../../../test/harness/names';
import { createWorld, type World } from './harness';

jest.setTimeout(240_000);

// The shape that starved partitions: every partition of `work` with a backlog of at least PER records,
// 50 ms target calls, the syncer's default settings. kafkajs fetches again only when every batch of its
// previous fetch is handled; a lane that waited for room inside eachBatch held the fetch loop, and the
// other lanes ran dry for minutes. Here no partition with lag may keep its committed offset for more
// than two chunk times (a chunk time measured in the same run: the partition's time per commit).

const PARTITIONS = 6;
const PER = Number(process.env.SYNCER_STARVATION_PER ?? 1200);
const CHUNK = 64; // SYNCER_COMMIT_EVERY's default

describe('no partition starves behind another one', () => {
  let w: World;
  afterAll(async () => {
    await w?.close();
  });

  it(`${PARTITIONS} partitions x ${PER} queued creates, 50 ms calls: every partition with lag keeps moving`, async () => {
    const ds = generateDataset({ seed: 17, customers: PARTITIONS * PER, overlap: 0 });
    w = await createWorld('starve', {
      crm: { data: { identities: ds.crm.identities }, faults: { latency: { kind: 'fixed', ms: 50 } } },
      siagh: { faults: { latency: { kind: 'fixed', ms: 50 } } },
      start: false,
    });
    const logger = createLogger({ service: 'test-starve', level: 'warn' });
    const kafka = createKafka({
      brokers: requireEnv('KAFKA_BROKERS').split(','),
      clientId: 'starve',
      logger,
    });
    const producer = kafka.producer({ idempotent: true });
    await producer.connect();
    const work = topicName('work', w.prefix);
    // The backlog, written straight to `work` (as the router would), PER records on each partition.
    const messages = await Promise.all(
      ds.crm.identities.map(async (identity, i) => {
        const n = String(identity.customerNumber).replace('100-', '');
        const change = newChangeEvent({
          eventId: deterministicEventId('starve', identity.crmId),
          source: 'crm',
          entityType: 'customer',
          sourceId: identity.crmId,
          operation: 'upsert',
          observedTime: Date.now(),
          trigger: 'webhook',
          correlationId: `starve-${i}`,
          naturalKey: n,
        });
        const event: WorkEvent = {
          canonicalKey: `customer:${n}`,
          kind: 'change',
          routeReason: 'natural-key',
          routedAt: Date.now(),
          correlationId: change.correlationId,
          change,
          resolution: null,
          redriveOf: null,
        };
        return {
          partition: i % PARTITIONS,
          key: event.canonicalKey,
          value: await w.codec.encode('WorkEvent', event),
        };
      }),
    );
    for (let i = 0; i < messages.length; i += 500)
      await producer.send({ topic: work, messages: messages.slice(i, i + 500), acks: -1 });
    await producer.disconnect();

    await w.startSyncer('a');
    const admin = kafka.admin();
    await admin.connect();
    const group = `${w.prefix}siaghsync-syncer`;
    const ends = new Map((await admin.fetchTopicOffsets(work)).map((p) => [p.partition, Number(p.high)]));
    const last = new Map<number, { offset: number; since: number }>();
    const stalls = new Map<number, number>();
    const commits = new Map<number, number>();
    const doneAt = new Map<number, number>();
    let firstCommitAt = 0;
    const deadline = Date.now() + 200_000;
    while (doneAt.size < PARTITIONS && Date.now() < deadline) {
      const [offsets] = await admin.fetchOffsets({ groupId: group, topics: [work] });
      const now = Date.now();
      for (const p of offsets?.partitions ?? []) {
        const committed = Math.max(0, Number(p.offset));
        const prev = last.get(p.partition);
        if (committed > 0 && firstCommitAt === 0) firstCommitAt = now;
        if (!prev || committed !== prev.offset) {
          if (prev && committed > prev.offset) commits.set(p.partition, (commits.get(p.partition) ?? 0) + 1);
          last.set(p.partition, { offset: committed, since: now });
        } else if (firstCommitAt > 0 && committed < ends.get(p.partition)! - 1) {
          const since = Math.max(prev.since, firstCommitAt);
          stalls.set(p.partition, Math.max(stalls.get(p.partition) ?? 0, now - since));
        }
        // The last record's commit marker sits after it: within one offset of the end is done.
        if (committed >= ends.get(p.partition)! - 1 && !doneAt.has(p.partition)) doneAt.set(p.partition, now);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    await admin.disconnect();
    expect(doneAt.size).toBe(PARTITIONS);
    for (let p = 0; p < PARTITIONS; p++) {
      // A chunk time of this partition: its time from the first commit to its last, per chunk.
      const chunkMs = (doneAt.get(p)! - firstCommitAt) / Math.ceil(PER / CHUNK);
      const stall = stalls.get(p) ?? 0;
      logger.warn({ partition: p, chunkMs, stall, commits: commits.get(p) }, 'partition progress');
      // The poll interval (200 ms) is the resolution of the measurement.
      expect(stall).toBeLessThanOrEqual(2 * chunkMs + 200);
    }
    expect(w.siaghSim.store.contacts.size).toBe(PARTITIONS * PER);
  });
});
