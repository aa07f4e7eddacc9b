import type { Kafka } from 'kafkajs';
import { MongoClient } from 'mongodb';
import type { Logger } from 'pino';
import { EventCodec } from '@siaghsync/shared/registry';
import type { SyncOutcome } from '@siaghsync/shared/events';
import { Projector } from '../../services/projector/src/runner/projector';
import { readAlias } from '../../services/projector/src/store/collections';
import { LogWriter } from '../../services/projector/src/testing/produce';
import { outcome, T0 } from '../../services/projector/src/testing/fixtures';
import { pidCpuSeconds, stackDatabasePid } from './procStats';

// Cost per live outcome of the projector and its database, with views of a given size: the views are
// filled by a replay of `docs` outcomes over `docs` customers, the projector is stopped, `live` more
// outcomes are written (half on customers spread over the whole filled range, half on new ones), and a
// restarted projector applies them live while its CPU and the database's are counted. The same run at
// two view sizes gives the ratio that shows whether a write scans or rewrites more as the views grow.

export interface ScaleRun {
  docs: number;
  live: number;
  /** Projector (this process) CPU per live outcome, ms. */
  projectorMs: number;
  /** Database CPU per live outcome, ms; null when its process is not on this machine. */
  databaseMs: number | null;
  liveSeconds: number;
}

const ownCpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

function outcomeFor(i: number, customer: number): SyncOutcome {
  return outcome({
    outcomeId: `s-${i}`,
    canonicalKey: `customer:${customer}`,
    naturalKey: String(customer),
    crmId: `c0ffee00-0000-4000-8000-${String(customer).padStart(12, '0')}`,
    siaghId: String(customer),
    status: i % 23 === 0 ? 'dead-lettered' : i % 4 === 0 ? 'skipped-echo' : 'synced',
    direction: i % 2 ? 'crm-to-siagh' : 'siagh-to-crm',
    occurredAt: T0 + i * 100,
    fieldDiff:
      i % 4 === 0
        ? []
        : [
            {
              field: ['phone', 'email', 'name'][i % 3]!,
              side: i % 2 ? 'siagh' : 'crm',
              before: `v${i - 1}`,
              after: `v${i}`,
              reason: i % 2 ? 'changed-on-crm' : 'changed-on-siagh',
            },
          ],
  });
}

async function writeAll(writer: LogWriter, list: SyncOutcome[], label: string, say: (m: string) => void) {
  for (let i = 0; i < list.length; i += 1000) {
    await writer.outcomes(list.slice(i, i + 1000));
    if (i % 20_000 === 0)
      say(`${label}: wrote ${i.toLocaleString('en-US')} / ${list.length.toLocaleString('en-US')}`);
  }
}

export async function scaleRun(o: {
  kafka: Kafka;
  registryUrl: string;
  mongoUri: string;
  docs: number;
  live: number;
  logger: Logger;
  say: (m: string) => void;
}): Promise<ScaleRun> {
  const run = `benchscale${Date.now().toString(36)}`;
  const label = `${o.docs.toLocaleString('en-US')} docs`;
  const writer = await LogWriter.open(o.kafka, o.registryUrl, `${run}.`);
  const client = await MongoClient.connect(o.mongoUri);
  const db = client.db(run);
  const make = () =>
    new Projector({
      kafka: o.kafka,
      codec: new EventCodec(o.registryUrl),
      db,
      logger: o.logger,
      topicPrefix: `${run}.`,
      groupId: `${run}-projector`,
      onBatch: (_v, s) => {
        handled += s.events;
      },
    });
  let handled = 0;
  try {
    await writeAll(
      writer,
      Array.from({ length: o.docs }, (_, i) => outcomeFor(i, 100_000 + i)),
      label,
      o.say,
    );
    const filling = make();
    const t0 = Date.now();
    await filling.start();
    while (!(await readAlias(db))) {
      if (Date.now() - t0 > 30 * 60_000) throw new Error(`${label}: the replay did not finish in 30 min`);
      const p = filling.progress();
      if (p)
        o.say(
          `${label}: filling the views by replay ${p.done.toLocaleString('en-US')} / ${p.total.toLocaleString('en-US')}`,
        );
      await new Promise((r) => setTimeout(r, 5000));
    }
    // Let the live runner that took over after the switch commit, then stop: what follows is live only.
    await new Promise((r) => setTimeout(r, 3000));
    await filling.stop();

    // Half the live outcomes update customers spread over the whole filled range, half are new ones.
    const live = Array.from({ length: o.live }, (_, i) =>
      outcomeFor(o.docs + i, i % 2 ? 100_000 + ((i * 7919) % o.docs) : 100_000 + o.docs + i),
    );
    await writeAll(writer, live, `${label} live`, o.say);

    const pid = stackDatabasePid();
    handled = 0;
    const live0 = Date.now();
    const own0 = ownCpuMs();
    const db0 = pid ? pidCpuSeconds(pid) * 1000 : 0;
    const applying = make();
    await applying.start();
    while (handled < o.live) {
      if (Date.now() - live0 > 10 * 60_000)
        throw new Error(`${label}: ${handled} of ${o.live} live outcomes in 10 min`);
      await new Promise((r) => setTimeout(r, 20));
    }
    const own1 = ownCpuMs();
    const db1 = pid ? pidCpuSeconds(pid) * 1000 : 0;
    const liveSeconds = (Date.now() - live0) / 1000;
    await applying.stop();
    return {
      docs: o.docs,
      live: o.live,
      projectorMs: (own1 - own0) / o.live,
      databaseMs: pid ? (db1 - db0) / o.live : null,
      liveSeconds,
    };
  } finally {
    await writer.close();
    await db.dropDatabase().catch(() => undefined);
    await client.close();
  }
}
