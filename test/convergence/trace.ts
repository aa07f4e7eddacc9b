import { Command } from 'commander';
import { createLogger } from '@siaghsync/shared/logger';
import { createKafka, topicName, type TopicKey } from '@siaghsync/shared/kafka/index';
import { EventCodec } from '@siaghsync/shared/registry';
import { clientEndpoints, loadStackConfig } from '../../scripts/stack/config';
import { readTopicToEnd } from '../harness/readTopic';

// `npx tsx test/convergence/trace.ts --prefix conv601-xxxx. --key customer:10043`: everything a finished
// convergence run's topics say about one entity (work events, outcomes, conflicts, dead letters, state
// versions), in log order per topic, so a failing seed can be followed step by step. Reads the topics from
// the beginning with a throwaway consumer (no group), stops at the end offsets it saw when it started.

const TRACED: TopicKey[] = [
  'changes',
  'work',
  'workBulk',
  'workBulkCrm',
  'outcomes',
  'conflicts',
  'deadLetters',
  'entityState',
  'intents',
];

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
  const rows: {
    topic: string;
    partition: number;
    offset: string;
    ts: number;
    value: Record<string, unknown>;
  }[] = [];
  for (const key of TRACED) {
    await readTopicToEnd(kafka, topicName(key, o.prefix), async (message, partition) => {
      if (!message.value) return;
      const hit = message.key?.toString() === o.key || message.value.toString('latin1').includes(o.key);
      if (!hit) return;
      const value = await codec.decode<Record<string, unknown>>(message.value);
      rows.push({ topic: key, partition, offset: message.offset, ts: Number(message.timestamp), value });
    });
  }
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
