import { Command } from 'commander';
import { createLogger } from '@siaghsync/shared/logger';
import { createKafka, topicName, type TopicKey } from '@siaghsync/shared/kafka/index';
import { EventCodec } from '@siaghsync/shared/registry';
import { clientEndpoints, loadStackConfig } from '../../scripts/stack/config';

// `npx tsx test/convergence/trace.ts --prefix conv601-xxxx. --key customer:10043`: everything a finished
// convergence run's topics say about one entity (work events, outcomes, conflicts, dead letters, state
// versions), in log order per topic, so a failing seed can be followed step by step. Reads the topics from
// the beginning with a throwaway consumer (no group), stops at the end offsets it saw when it started.

const TRACED: TopicKey[] = ['work', 'outcomes', 'conflicts', 'deadLetters', 'entityState', 'intents'];

async function main(): Promise<void> {
  const o = new Command('trace')
    .requiredOption('--prefix <p>', 'the run topic prefix (printed in the run log, e.g. conv601-mabc12.)')
    .requiredOption('--key <k>', 'canonical key, or any text the records must contain (e.g. 100-10043)')
    .option('--full', 'print whole records instead of a summary line')
    .parse()
    .opts<{ prefix: string; key: string; full?: boolean }>();
  const env = process.env.KAFKA_BROKERS ? process.env : clientEndpoints(loadStackConfig());
  const logger = createLogger({ service: 'trace', level: 'warn' });
  const kafka = createKafka({ brokers: String(env.KAFKA_BROKERS).split(','), clientId: 'trace', logger });
  const codec = new EventCodec(String(env.SCHEMA_REGISTRY_URL));
  const admin = kafka.admin();
  await admin.connect();
  const rows: {
    topic: string;
    partition: number;
    offset: string;
    ts: number;
    value: Record<string, unknown>;
  }[] = [];
  for (const key of TRACED) {
    const topic = topicName(key, o.prefix);
    const ends = await admin.fetchTopicOffsets(topic);
    const want = new Map(ends.filter((e) => e.high !== e.low).map((e) => [e.partition, BigInt(e.high)]));
    if (want.size === 0) continue;
    const consumer = kafka.consumer({ groupId: `trace-${Date.now()}-${key}`, maxWaitTimeInMs: 200 });
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await new Promise<void>((resolve) => {
      void consumer.run({
        // Per batch, not per message: a log written in transactions ends with a marker no message carries.
        eachBatch: async ({ batch }) => {
          for (const message of batch.messages) {
            if (!message.value) continue;
            const hit = message.key?.toString() === o.key || message.value.toString('latin1').includes(o.key);
            if (!hit) continue;
            const value = await codec.decode<Record<string, unknown>>(message.value);
            rows.push({
              topic: key,
              partition: batch.partition,
              offset: message.offset,
              ts: Number(message.timestamp),
              value,
            });
          }
          if (BigInt(batch.lastOffset()) + 1n >= (want.get(batch.partition) ?? 0n))
            want.delete(batch.partition);
          if (want.size === 0) resolve();
        },
      });
    });
    await consumer.disconnect();
  }
  await admin.disconnect();
  rows.sort((a, b) => a.ts - b.ts);
  const t0 = rows[0]?.ts ?? 0;
  for (const r of rows) {
    const head = `+${((r.ts - t0) / 1000).toFixed(3)}s ${r.topic}[${r.partition}@${r.offset}]`;
    process.stdout.write(`${head} ${o.full ? JSON.stringify(r.value) : summary(r.topic, r.value)}\n`);
  }
}

function summary(topic: string, v: Record<string, unknown>): string {
  const pick = (...ks: string[]) => ks.map((k) => `${k}=${JSON.stringify(v[k])}`).join(' ');
  switch (topic) {
    case 'outcomes':
      return `${pick('status', 'direction', 'trigger', 'crmId', 'siaghId', 'attempts')} diff=${JSON.stringify(v.fieldDiff)} err=${JSON.stringify(v.error)} src=${String(v.sourceSnapshot).slice(0, 300)}`;
    case 'work':
      return JSON.stringify(v).slice(0, 500);
    default:
      return JSON.stringify(v).slice(0, 700);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`trace: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
