import type { ChildProcess } from 'node:child_process';
import { duplicateCreates } from '../../../test/convergence/creates';
import { createWorld, type World } from './harness';
import { kill9, spawnSyncer, syncerProcessEnv } from './process';

// R15, deterministic (#20): the syncer is killed (kill -9) after the target carried out its create and
// before the syncer learned the new id or committed anything: the target holds the create's answer. The
// restarted syncer must link the record that create made, not make a second one, on either side.

jest.setTimeout(180_000);

describe('kill -9 between a create and its commit', () => {
  let w: World | undefined;
  const children: ChildProcess[] = [];
  afterEach(async () => {
    for (const c of children.splice(0)) await kill9(c);
    await w?.close();
    w = undefined;
  });

  it.each([
    { target: 'siagh' as const, n: 8201 },
    { target: 'crm' as const, n: 8202 },
  ])(
    'a create in $target whose answer never came is linked after the restart, never made twice',
    async ({ target, n }) => {
      w = await createWorld(`ccrash-${target}`, { start: false });
      const world = w;
      const env = syncerProcessEnv(world, { SYNCER_INSTANCE_ID: 'ccrash' });
      const sim = target === 'siagh' ? world.siaghSim : world.crmSim;
      const journal = () => sim.journal.list();
      const made = () =>
        journal().filter((e) => e.op === 'create' && e.origin === 'api' && e.outcome === 'ok').length;

      // The source record, and the target's create carried out at once with its answer held.
      sim.faults.set({
        paths: [target === 'siagh' ? '/BpmsApi/SaveFormData' : '/api/v2/crmobject/person/create'],
        script: [{ kind: 'holdAnswer', ms: 120_000 }],
      });
      if (target === 'siagh') {
        const crmId = await world.crm.create('person', {
          firstName: 'شکست',
          lastName: 'میانه',
          nickName: 'شکست میانه',
          customerNumber: `100-${n}`,
          phoneContacts: [{ default: true, phoneType: 'Mobile', phoneNumber: `0912${n}000` }],
        });
        await world.emit('crm', crmId);
      } else {
        const code = await world.siagh.saveContactFields([
          ['gn_web_users.fullname', 'شکست میانه'],
          ['gn_web_users.tmpid', String(n)],
          ['gn_web_users.towardtype', '0'],
          ['gn_web_users.mobileno', `0912${n}000`],
        ]);
        await world.emit('siagh', String(code), { naturalKey: String(n) });
      }

      let syncer = spawnSyncer(env);
      children.push(syncer);
      await world.waitFor('the create carried out', () => made() === 1, 60_000);
      await kill9(syncer);
      expect(world.outcomes.filter((o) => o.canonicalKey === `customer:${n}`)).toEqual([]);

      syncer = spawnSyncer(env);
      children.push(syncer);
      const outcome = await world.waitFor(
        'the re-run committed',
        () => world.outcomes.find((o) => o.canonicalKey === `customer:${n}` && o.status !== 'waiting'),
        90_000,
      );
      expect(['created', 'linked']).toContain(outcome.status);
      // Settled: nothing more is written, and the one record is the pair's.
      await new Promise((r) => setTimeout(r, 2_000));
      const { findings, count } = duplicateCreates(target, journal());
      expect(findings).toEqual([]);
      expect(count).toEqual({ attempts: 1, refused: 0 });
      expect(made()).toBe(1);
      expect(world.deadLetters).toEqual([]);
      const id = journal().find((e) => e.op === 'create')!.recordId!;
      expect(target === 'siagh' ? outcome.siaghId : outcome.crmId).toBe(id);
    },
  );
});
