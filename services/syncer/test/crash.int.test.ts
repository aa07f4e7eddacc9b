import { CrmClient } from '@siaghsync/shared/crm/client';
import { simulatorEnv } from '../../../test/harness/systems';
import {
  createKafka,
  createIdempotentProducer,
  ensureTopics,
  topicName,
} from '@siaghsync/shared/kafka/index';
import { createLogger } from '@siaghsync/shared/logger';
import { crmToCanonical } from '@siaghsync/shared/mapping/crm';
import { siaghToCanonical } from '@siaghsync/shared/mapping/siagh';
import { loadSyncConfig } from '@siaghsync/shared/mapping/syncConfig';
import { EventCodec } from '@siaghsync/shared/registry';
import { deterministicEventId, newChangeEvent, sourceKey, type DeadLetter } from '@siaghsync/shared/events';
import { startCrmSimulator } from '../../../simulators/crm/server';
import { startSiaghSimulator } from '../../../simulators/siagh/server';
import { generateDataset } from '../../../simulators/data/generator';
import { requireEnv, uniqueName } from '../../../test/harness/names';
import { readTopicToEnd } from '../../../test/harness/readTopic';
import { duplicateCreates, userChanges } from '../../../test/convergence/creates';
import { kill9, spawnSyncer } from './process';

// Kill -9 the syncer three times while it works through a load of creates and edits; afterwards every
// CRM customer exists exactly once in Siagh with the CRM's values: nothing lost, nothing duplicated.
// "Once" is judged by the create attempts the simulators' write journals saw, not by the final
// contacts: a second create of a customer is refused as a duplicate phone and leaves no second contact,
// only a dead letter, so the test also requires exactly one create attempt per customer and no dead letter.
// SYNCER_CRASH_N sets the size (CI runs a small one; the figure is 10k).

const N = Number(process.env.SYNCER_CRASH_N ?? 300);
// Waits scale with the size so the 10k run has room; CI's 300 keeps the small bounds.
const scaled = (minMs: number, perChangeMs: number) => Math.max(minMs, N * perChangeMs);
jest.setTimeout(scaled(15 * 60_000, 400));

it(`kill -9 three times during ${N} changes: both systems agree, 0 lost, 0 duplicates`, async () => {
  const logger = createLogger({ service: 'crash-test', level: 'warn' });
  const config = loadSyncConfig();
  const ds = generateDataset({ seed: 7, customers: N, overlap: 0 });
  const crmSim = await startCrmSimulator({
    data: { identities: ds.crm.identities },
    webhooks: { enabled: false },
  });
  // Slow enough that kills land in the middle of target calls, including between a create and its commit.
  const siaghSim = await startSiaghSimulator({
    faults: { latency: { kind: 'uniform', minMs: 1, maxMs: 15 } },
  });
  const prefix = `${uniqueName('crash')}.`;
  const env = {
    KAFKA_BROKERS: requireEnv('KAFKA_BROKERS'),
    SCHEMA_REGISTRY_URL: requireEnv('SCHEMA_REGISTRY_URL'),
    TOPIC_PREFIX: prefix,
    ...simulatorEnv(crmSim, siaghSim),
    SYNCER_INSTANCE_ID: 'crash-a',
    SYNCER_PORT: '0',
  };
  const kafka = createKafka({ brokers: env.KAFKA_BROKERS.split(','), clientId: 'crash-test', logger });
  await ensureTopics(kafka, prefix);
  const codec = new EventCodec(env.SCHEMA_REGISTRY_URL);
  await codec.registerAll();
  const producer = createIdempotentProducer(kafka);
  await producer.connect();
  const crm = new CrmClient({
    baseUrl: crmSim.url,
    username: 'admin',
    password: 'admin',
    rateLimitPerSecond: 5000,
    timeoutMs: 10_000,
  });

  const emit = async (ids: string[], round: number) => {
    const messages = await Promise.all(
      ids.map(async (id) => ({
        key: sourceKey('crm', id),
        value: await codec.encode(
          'ChangeEvent',
          newChangeEvent({
            eventId: deterministicEventId('crash', id, round),
            source: 'crm',
            entityType: 'customer',
            sourceId: id,
            operation: 'upsert',
            observedTime: Date.now(),
            trigger: 'backfill',
            correlationId: `crash-${round}-${id}`,
          }),
        ),
      })),
    );
    for (let i = 0; i < messages.length; i += 500) {
      await producer.send({
        topic: topicName('changes', prefix),
        messages: messages.slice(i, i + 500),
        acks: -1,
      });
    }
  };
  const ids = ds.crm.identities.map((i) => i.crmId);
  await emit(ids, 1);

  const startedAt = Date.now();
  let child = spawnSyncer(env);
  const created = () => siaghSim.store.contacts.size;
  try {
    for (const fraction of [0.2, 0.45, 0.7]) {
      const target = Math.floor(N * fraction);
      const deadline = Date.now() + scaled(5 * 60_000, 60);
      while (created() < target && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      // Meanwhile users keep editing: a third of the customers get a new email, notified again.
      if (fraction === 0.45) {
        const edited = ids.filter((_, k) => k % 3 === 0);
        for (const id of edited)
          crmSim.store.update(id, undefined, { email: `edited-${id.slice(0, 8)}@example.com` });
        await emit(edited, 2);
      }
      await kill9(child);
      child = spawnSyncer(env);
    }

    // Converged: every CRM customer is in Siagh once, with the CRM's values.
    const deadline = Date.now() + scaled(8 * 60_000, 120);
    let mismatches: string[] = [];
    for (;;) {
      mismatches = [];
      const byTmpid = new Map<string, number>();
      const contactOf = new Map<
        string,
        typeof siaghSim.store.contacts extends Map<unknown, infer C> ? C : never
      >();
      for (const c of siaghSim.store.contacts.values()) {
        byTmpid.set(String(c.tmpid), (byTmpid.get(String(c.tmpid)) ?? 0) + 1);
        contactOf.set(String(c.tmpid), c);
      }
      for (const identity of crmSim.store.dump().identities) {
        const n = identity.customerNumber!.replace('100-', '');
        const count = byTmpid.get(n) ?? 0;
        if (count !== 1) {
          mismatches.push(`${n}: ${count} contacts`);
          continue;
        }
        const contact = contactOf.get(n)!;
        const a = crmToCanonical(
          identity as never,
          identity.identityType === 2 ? 'organization' : 'person',
          config,
        );
        const b = siaghToCanonical(contact as never, config);
        for (const f of ['name', 'mobile', 'email', 'nationalCode'] as const) {
          if (a[f] !== b[f]) mismatches.push(`${n}.${f}: crm ${a[f]} / siagh ${b[f]}`);
        }
      }
      if (mismatches.length === 0 || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 1000));
    }
    expect(mismatches.slice(0, 20)).toEqual([]);
    expect(siaghSim.store.contacts.size).toBe(N);
    const journals = { crm: crmSim.journal.list(), siagh: siaghSim.journal.list() };
    const changes = userChanges(journals);
    const creates = {
      crm: duplicateCreates('crm', journals.crm, changes),
      siagh: duplicateCreates('siagh', journals.siagh, changes),
    };
    expect([...creates.crm.findings, ...creates.siagh.findings].slice(0, 20)).toEqual([]);
    expect(creates.siagh.count).toEqual({ attempts: N, refused: 0 });
    expect(creates.crm.count).toEqual({ attempts: 0, refused: 0 });
    const deadLetters: DeadLetter[] = [];
    await readTopicToEnd(kafka, topicName('deadLetters', prefix), async (m) => {
      if (m.value) deadLetters.push(await codec.decode<DeadLetter>(m.value));
    });
    expect(deadLetters.map((d) => `${d.canonicalKey} ${d.reasonCode}: ${d.message}`)).toEqual([]);
    process.stdout.write(
      `crash test: ${N} customers + ${Math.ceil(N / 3)} edits, 3 x kill -9, converged in ${((Date.now() - startedAt) / 1000).toFixed(0)} s: ` +
        `${siaghSim.store.contacts.size} contacts from ${creates.siagh.count.attempts} create attempts, 0 duplicates, 0 dead letters, 0 mismatches\n`,
    );
  } finally {
    await kill9(child);
    await producer.disconnect();
    await crm.close();
    await crmSim.close();
    await siaghSim.close();
  }
});
