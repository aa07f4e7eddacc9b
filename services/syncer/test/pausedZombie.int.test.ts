import type { ChildProcess } from 'node:child_process';
import { createKafka, topicName } from '@siaghsync/shared/kafka/index';
import { createLogger } from '@siaghsync/shared/logger';
import type { EntityStateRecord } from '@siaghsync/shared/events';
import { requireEnv } from '../../../test/harness/names';
import { readTopicToEnd } from '../../../test/harness/readTopic';
import { createWorld, type World } from './harness';
import { explainFailure, kill9, spawnSyncer, syncerProcessEnv, waitIdle } from './process';

// A real zombie (#20): two syncer processes. A is stopped (SIGSTOP) in the middle of an update (to Siagh,
// or to the CRM) whose write has landed but whose answer has not come; B takes the partitions over and
// syncs a newer value; then A continues (SIGCONT). Two ways to wake:
// - the answer is lost and the call times out: without the guard A's client retries the update and puts
//   the older value back;
// - the answer came while A was stopped: without the guard A commits its chunk at once, before kafkajs
//   notices the rebalance, and its offsets go below B's.
// With the guard (kafka/ownership.ts) A finds itself out of the group and drops its work.

jest.setTimeout(240_000);

const SESSION_MS = 6_000;
const email = (v: string) => `zombie-${v}@example.com`;

describe('a paused syncer that wakes after its partitions moved', () => {
  let w: World | undefined;
  const children: (ChildProcess & { logs: string[] })[] = [];
  afterEach(async () => {
    for (const c of children.splice(0)) {
      if (c.pid && c.signalCode === null && c.exitCode === null) process.kill(c.pid, 'SIGCONT');
      await kill9(c);
    }
    await w?.close();
    w = undefined;
  });

  const cases: { name: string; target: 'siagh' | 'crm'; holdMs: number; timeoutMs: number; n: number }[] = [
    {
      name: 'its Siagh call timed out and is retried',
      target: 'siagh',
      holdMs: 120_000,
      timeoutMs: 3_000,
      n: 8101,
    },
    {
      name: 'its Siagh answer came while it was stopped',
      target: 'siagh',
      holdMs: 3_000,
      timeoutMs: 60_000,
      n: 8102,
    },
    // The CRM update is sent once (write.ts): a lost answer is decided again from a new read, never resent.
    {
      name: 'its CRM answer came while it was stopped',
      target: 'crm',
      holdMs: 3_000,
      timeoutMs: 60_000,
      n: 8103,
    },
  ];
  it.each(cases)(
    '$name: it writes no older value, and commits no offset or state over the new owner',
    ({ target, holdMs, timeoutMs, n: N }) =>
      explainFailure(children, async () => {
        w = await createWorld('pzombie', { start: false });
        const world = w;
        const env = syncerProcessEnv(world, {
          SYNCER_SESSION_TIMEOUT_MS: String(SESSION_MS),
          [target === 'siagh' ? 'SIAGH_TIMEOUT_MS' : 'CRM_TIMEOUT_MS']: String(timeoutMs),
        });
        const kafka = createKafka({
          brokers: requireEnv('KAFKA_BROKERS').split(','),
          clientId: 'pzombie-test',
          logger: createLogger({ service: 'pzombie-test', level: 'warn' }),
        });
        const admin = kafka.admin();
        await admin.connect();
        const groupId = `${world.prefix}siaghsync-syncer`;
        const workTopic = topicName('work', world.prefix);
        const committed = async () => {
          const [t] = await admin.fetchOffsets({ groupId, topics: [workTopic] });
          return new Map(t!.partitions.map((p) => [p.partition, Number(p.offset)]));
        };
        const contact = () =>
          [...world.siaghSim.store.contacts.values()].find((c) => String(c.tmpid) === String(N));

        const a = spawnSyncer({ ...env, SYNCER_INSTANCE_ID: 'zombie-a' });
        children.push(a);
        const crmId = await world.crm.create('person', {
          firstName: 'زامبی',
          lastName: 'آزمون',
          nickName: 'زامبی آزمون',
          customerNumber: `100-${N}`,
          email: email('v0'),
          phoneContacts: [{ default: true, phoneType: 'Mobile', phoneNumber: `0912${N}001` }],
        });
        await world.emit('crm', crmId);
        await world.waitFor('created by A', () => contact()?.Email === email('v0'), 60_000);
        await waitIdle(kafka, world.prefix, 60_000);
        const crmEmail = () => world.crmSim.store.dump().identities.find((i) => i.crmId === crmId)?.email;
        /** The value where the pipeline writes, and an edit on the other side that it carries there. */
        const written = target === 'siagh' ? () => contact()?.Email : crmEmail;
        const edit = async (v: string) => {
          if (target === 'siagh') {
            world.crmSim.store.update(crmId, undefined, { email: email(v) });
            await world.emit('crm', crmId);
          } else {
            const code = contact()!.Code;
            world.siaghSim.store.updateContact(code, { Email: email(v) });
            await world.emit('siagh', String(code));
          }
        };
        const sim = target === 'siagh' ? world.siaghSim : world.crmSim;

        // v1: the target carries the update out at once and holds its answer; A is stopped while it waits.
        sim.faults.set({
          paths: [target === 'siagh' ? '/BpmsApi/SaveFormData' : '/api/v2/crmobject/person/update'],
          script: [{ kind: 'holdAnswer', ms: holdMs }],
        });
        await edit('v1');
        await world.waitFor('v1 written by A', () => written() === email('v1'), 30_000);
        process.kill(a.pid!, 'SIGSTOP');
        const stoppedAt = Date.now();

        // B joins; once A's session has expired it owns every partition, re-runs v1 and syncs v2.
        const b = spawnSyncer({ ...env, SYNCER_INSTANCE_ID: 'zombie-b' });
        children.push(b);
        await edit('v2');
        await world.waitFor('v2 synced by B', () => written() === email('v2'), 90_000);
        await waitIdle(kafka, world.prefix, 60_000);
        const ownerOffsets = await committed();
        const journalBefore = sim.journal.list().length;
        expect(Date.now() - stoppedAt).toBeGreaterThan(SESSION_MS);

        // A wakes. Watch what it does until the group is idle with both members again.
        process.kill(a.pid!, 'SIGCONT');
        const regressions: string[] = [];
        const values = new Set<string>();
        const deadline = Date.now() + 30_000;
        let members = 0;
        while (Date.now() < deadline) {
          values.add(written() ?? 'missing');
          for (const [p, o] of await committed()) {
            const before = ownerOffsets.get(p) ?? -1;
            if (o < before) regressions.push(`partition ${p}: ${before} -> ${o}`);
          }
          const [group] = (await admin.describeGroups([groupId])).groups;
          members = group?.state === 'Stable' ? group.members.length : 0;
          if (members === 2 && a.logs.join('').includes('no longer owns')) break;
          await new Promise((r) => setTimeout(r, 200));
        }
        await waitIdle(kafka, world.prefix, 60_000);
        values.add(written() ?? 'missing');

        expect(members).toBe(2);
        expect([...values]).toEqual([email('v2')]);
        expect(regressions).toEqual([]);
        const olderWrites = sim.journal
          .list()
          .slice(journalBefore)
          .filter((j) => JSON.stringify(j.fields).includes(email('v1')));
        expect(olderWrites).toEqual([]);

        // The changelog: no state of this customer written after the new owner's by an older generation.
        const generations: number[] = [];
        await readTopicToEnd(kafka, topicName('entityState', world.prefix), async (m) => {
          if (m.key?.toString() !== `customer:${N}` || !m.value) return;
          generations.push((await world.codec.decode<EntityStateRecord>(m.value)).generation);
        });
        expect(generations.length).toBeGreaterThan(0);
        expect(generations).toEqual([...generations].sort((x, y) => x - y));

        // The zombie tried and was refused (the test would prove nothing if it had been idle).
        expect(a.logs.join('')).toContain('no longer owns');

        // Both members go on syncing from the new owner's state.
        await edit('v3');
        await world.waitFor('v3 synced', () => written() === email('v3'), 60_000);
        expect(crmEmail()).toBe(email('v3'));
        expect(contact()?.Email).toBe(email('v3'));
        await admin.disconnect();
      }),
  );
});
