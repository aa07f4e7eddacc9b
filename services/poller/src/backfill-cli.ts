// `npm run backfill -- --source crm|siagh|both [--run-id ID] [--concurrency N]`: the initial import.
// Progress on stderr, the summary on stdout. Exit 0 = everything emitted, 1 = some records failed or a
// list was incomplete (re-run: the syncer converges on duplicates), 2 = could not run at all, 78 = config.

import { randomUUID } from 'node:crypto';
import { Command, Option } from 'commander';
import { SingleBar, Presets } from 'cli-progress';
import { createLogger } from '@siaghsync/shared/logger';
import { exitOnConfigError, infraEnv, parseEnv } from '@siaghsync/shared/config';
import {
  createKafka,
  kafkaConnection,
  registryAuthOf,
  replicationOf,
  createIdempotentProducer,
  ensureTopics,
  topicName,
} from '@siaghsync/shared/kafka/index';
import { EventCodec } from '@siaghsync/shared/registry';
import { loadSyncConfig } from '@siaghsync/shared/mapping/syncConfig';
import { CrmClient } from '@siaghsync/shared/crm/client';
import { loadCrmConfig } from '@siaghsync/shared/crm/config';
import { SiaghClient } from '@siaghsync/shared/siagh/client';
import { loadSiaghConfig } from '@siaghsync/shared/siagh/config';
import { z } from 'zod';
import { operatorEventKey } from '@siaghsync/shared/operator/signature';
import { backfillCrm, backfillSiagh, type BackfillCounts, type BackfillDeps } from './backfill';

const program = new Command('backfill')
  .description('Emit every record of the CRM and/or Siagh as a change event (trigger=backfill)')
  .addOption(
    new Option('--source <source>', 'which system').choices(['crm', 'siagh', 'both']).makeOptionMandatory(),
  )
  .option('--run-id <id>', 'makes event ids deterministic for this run (default: a new id)')
  .option('--concurrency <n>', 'parallel CRM detail calls', '8')
  .parse();

const opts = program.opts<{ source: 'crm' | 'siagh' | 'both'; runId?: string; concurrency: string }>();

async function main(): Promise<number> {
  const sources = opts.source === 'both' ? (['crm', 'siagh'] as const) : ([opts.source] as const);
  let env;
  let crmConfig;
  let siaghConfig;
  let syncConfig;
  let concurrency;
  try {
    env = parseEnv(
      z.object({ ...infraEnv, OPERATOR_EVENT_KEY: operatorEventKey.optional() }),
      process.env,
      'backfill',
    );
    crmConfig = sources.includes('crm') ? loadCrmConfig() : undefined;
    siaghConfig = sources.includes('siagh') ? loadSiaghConfig() : undefined;
    syncConfig = loadSyncConfig();
    concurrency = z.coerce.number().int().min(1).max(64).parse(opts.concurrency);
  } catch (e) {
    if (e instanceof z.ZodError) {
      process.stderr.write('--concurrency must be an integer between 1 and 64\n');
      return 78;
    }
    exitOnConfigError(e);
  }
  const logger = createLogger({
    service: 'backfill',
    level: env.LOG_LEVEL === 'info' ? 'warn' : env.LOG_LEVEL,
  });
  const kafka = createKafka({ ...kafkaConnection(env), clientId: 'siaghsync-backfill', logger });
  await ensureTopics(kafka, env.TOPIC_PREFIX, ['changes'], replicationOf(env));
  const codec = new EventCodec(env.SCHEMA_REGISTRY_URL, registryAuthOf(env));
  await codec.registerAll(['ChangeEvent']);
  const producer = createIdempotentProducer(kafka);
  await producer.connect();
  const runId = opts.runId ?? randomUUID();
  const results: BackfillCounts[] = [];
  try {
    for (const source of sources) {
      const bar = new SingleBar(
        {
          format: `${source.padEnd(5)} [{bar}] {value}/{total} read, {emitted} emitted, {errors} errors`,
          stream: process.stderr,
        },
        Presets.shades_classic,
      );
      bar.start(0, 0, { emitted: 0, errors: 0 });
      const deps: BackfillDeps = {
        producer,
        codec,
        changesTopic: topicName('changes', env.TOPIC_PREFIX),
        syncConfig,
        runId,
        correlationId: randomUUID(),
        concurrency,
        logger,
        snapshotKey: env.OPERATOR_EVENT_KEY,
        onProgress: (c) => {
          bar.setTotal(c.total);
          bar.update(c.read, { emitted: c.emitted, errors: c.errors });
        },
      };
      try {
        const r =
          source === 'crm' && crmConfig
            ? await backfillCrm(new CrmClient(crmConfig, { logger }), deps)
            : siaghConfig
              ? await backfillSiagh(new SiaghClient(siaghConfig, { logger }), deps)
              : undefined;
        if (!r) throw new Error(`no configuration for ${source}`);
        bar.update(r.read, { emitted: r.emitted, errors: r.errors });
        results.push(r);
      } finally {
        bar.stop();
      }
    }
  } finally {
    await producer.disconnect();
  }
  process.stdout.write(`backfill ${runId}\n`);
  process.stdout.write(
    'source  read      emitted   skipped   errors    collisions  list        correlation\n',
  );
  for (const r of results) {
    process.stdout.write(
      `${r.source.padEnd(8)}${String(r.read).padEnd(10)}${String(r.emitted).padEnd(10)}${String(r.skipped).padEnd(10)}${String(r.errors).padEnd(10)}${String(r.collisions).padEnd(12)}${(r.complete ? 'complete' : 'INCOMPLETE').padEnd(12)}${r.correlationId}\n`,
    );
  }
  return results.every((r) => r.errors === 0 && r.complete) ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`backfill failed: ${(err as Error).message ?? String(err)}\n`);
    process.exit(2);
  },
);
